package races_test

import (
	"fmt"

	"parallelgo.dev/course/lessons/races"
)

func ExampleSafeCounter() {
	var c races.SafeCounter
	c.Inc("answer", 40)
	c.Inc("answer", 2)
	fmt.Println(c.Value("answer"), c.Snapshot())
	// Output: 42 map[answer:42]
}

func ExampleWordCount() {
	fmt.Println(races.WordCount([]string{"a b a", "B c"}, 2))
	// Output: map[a:2 b:2 c:1]
}

func ExampleWordCountShared() {
	fmt.Println(races.WordCountShared([]string{"a b a", "B c"}, 2))
	// Output: map[a:2 b:2 c:1]
}

func ExampleTransfer() {
	as := races.NewAccounts(2, 100)
	fmt.Println(races.Transfer(as[0], as[1], 30), as[0].Balance(), as[1].Balance())
	fmt.Println(races.Transfer(as[0], as[1], 500))
	// Output:
	// <nil> 70 130
	// races: insufficient funds
}

func ExampleRandomTransfers() {
	as := races.NewAccounts(5, 100)
	races.RandomTransfers(as, 8, 1000, 1)
	fmt.Println(races.Total(as))
	// Output: 500
}

func ExampleNewAccounts() {
	as := races.NewAccounts(3, 10)
	fmt.Println(len(as), as[2].ID, as[2].Balance())
	// Output: 3 2 10
}

func ExampleTotal() {
	fmt.Println(races.Total(races.NewAccounts(4, 25)))
	// Output: 100
}

func ExampleAccount() {
	a := races.NewAccounts(1, 7)[0]
	fmt.Println(a.ID, a.Balance())
	// Output: 0 7
}

func ExampleAccount_Balance() {
	fmt.Println(races.NewAccounts(1, 7)[0].Balance())
	// Output: 7
}

func ExampleErrInsufficient() {
	as := races.NewAccounts(2, 0)
	fmt.Println(races.Transfer(as[0], as[1], 1) == races.ErrInsufficient)
	// Output: true
}
