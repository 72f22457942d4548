//go:build race

package kit

// raceOn says that the race detector is on: it makes every frame bigger.
const raceOn = true
