package kit

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"strings"
	"time"

	"parallelgo.dev/course/internal/claims"
	"parallelgo.dev/course/kit/internal/sysstat"
)

// A lesson's prose often predicts a measurement: "two threads are about twice
// as fast", "the error shrinks like 1/√n". A [Claim] writes that prediction
// down before the run and checks it after, so that the learner reads one line
// saying whether this machine agreed, with the numbers, and, when it did not,
// the reasons the program can see (fewer free cores than workers, other
// programs busy during the run, a run shrunk by KIT_SCALE) instead of a silent
// contradiction between the text and the output.
//
//	c := kit.Expect("Threads(2) about twice as fast as Serial", kit.About(2, 0.25)).WithWorkers(2)
//	// ... measure ...
//	c.Check(serial.Seconds() / threads.Seconds())
//
// Every check prints one line that starts with [ClaimHeld] or [ClaimMissed],
// so that a tool reading a notebook's outputs can count them.

// The markers that start every line [Claim.Check] prints.
const (
	ClaimHeld   = claims.Held
	ClaimMissed = claims.Missed
)

// Want is what a claim expects of a number: a value with a tolerance, a bound,
// or a range. Make one with [About], [AtLeast], [AtMost] or [Between].
type Want struct {
	lo, hi float64 // inclusive; ±Inf for an open side
	text   string  // how the expectation reads, e.g. "2 ± 25%"
}

// About expects a value within a relative tolerance of x: About(2, 0.25) holds
// for 1.5 to 2.5. It panics if tol is negative or not a number, since that is
// a mistake in the lesson, not in the run.
func About(x, tol float64) Want {
	if !(tol >= 0) {
		panic(fmt.Sprintf("kit.About: tolerance %v must be 0 or more (0.25 means ±25%%)", tol))
	}
	d := math.Abs(x) * tol
	return Want{lo: x - d, hi: x + d, text: fmt.Sprintf("%s ± %s%%", num(x), num(100*tol))}
}

// AtLeast expects a value of x or more.
func AtLeast(x float64) Want { return Want{lo: x, hi: math.Inf(1), text: "≥ " + num(x)} }

// AtMost expects a value of x or less.
func AtMost(x float64) Want { return Want{lo: math.Inf(-1), hi: x, text: "≤ " + num(x)} }

// Between expects a value from lo to hi, both included. It panics if lo > hi.
func Between(lo, hi float64) Want {
	if lo > hi {
		panic(fmt.Sprintf("kit.Between: lower bound %v is above upper bound %v", lo, hi))
	}
	return Want{lo: lo, hi: hi, text: fmt.Sprintf("between %s and %s", num(lo), num(hi))}
}

// Holds reports whether x meets the expectation. NaN never does.
func (w Want) Holds(x float64) bool { return x >= w.lo && x <= w.hi }

// String is how the expectation reads in a claim's line.
func (w Want) String() string {
	if w.text == "" {
		return "any value" // the zero Want: no bound on either side
	}
	return w.text
}

// Claim is one prediction of a lesson, started by [Expect] before the
// measurement so that it can see what else the machine did during it. The
// zero value is not useful; use Expect.
type Claim struct {
	says    string
	want    Want
	workers int
	start   snapshot
}

// Expect starts a claim: says is the sentence of the lesson, in a few words,
// and want what the measurement must show for it to hold. Call it before the
// measurement and [Claim.Check] after.
func Expect(says string, want Want) *Claim {
	if strings.TrimSpace(says) == "" {
		panic("kit.Expect: say what the lesson claims, e.g. \"Threads(2) about twice as fast as Serial\"")
	}
	if want.text == "" {
		want = Want{lo: math.Inf(-1), hi: math.Inf(1)}
	}
	return &Claim{says: says, want: want, start: takeSnapshot()}
}

// WithWorkers says how many cores the claim needs at once (the workers of the
// pool it measures), so that a miss can be blamed on a machine that had
// fewer free cores than that. It returns c.
func (c *Claim) WithWorkers(n int) *Claim {
	c.workers = n
	return c
}

// Check compares the measured value with the expectation, prints one line
// saying whether this run agrees, with the numbers, and the likely reasons
// when it does not, and reports whether the claim held.
func (c *Claim) Check(got float64) bool {
	return c.check(got, c.start.until(takeSnapshot()))
}

// check prints the verdict on got, given what the machine did during the
// run, records it for Reference, and reports whether the claim held.
func (c *Claim) check(got float64, m machine) bool {
	rec, line := c.verdict(got, m)
	fmt.Println(line)
	recordClaim(rec) // for Reference
	return rec.Held
}

// CheckSpeedup checks a speedup: one is the work done on one core, many the
// same work done in parallel, and the value checked is one.Wall / many.Wall.
// A miss gets a reason that [Claim.Check] cannot see: when the parallel run
// needed clearly more CPU time than the serial one for the same work, its
// workers slowed each other down (they share the memory bus, caches, a
// lock), and no number of free cores would have helped.
func (c *Claim) CheckSpeedup(one, many Timing) bool {
	m := c.start.until(takeSnapshot())
	if one.CPU() > 0 {
		m.cpuGrowth = float64(many.CPU()) / float64(one.CPU())
	}
	got := math.NaN()
	if many.Wall > 0 {
		got = float64(one.Wall) / float64(many.Wall)
	}
	return c.check(got, m)
}

// verdict is the claim's record for a measured value, given what the
// machine did during the run, and the line Check prints for it.
func (c *Claim) verdict(got float64, m machine) (claims.Record, string) {
	rec := claims.Record{Claim: c.says, Measured: got, Expected: c.want.String(), Held: c.want.Holds(got)}
	nums := fmt.Sprintf("measured %s, expected %s", num(got), rec.Expected)
	if rec.Held {
		return rec, fmt.Sprintf("%s %s (%s)", ClaimHeld, c.says, nums)
	}
	why := m.reasons(c.workers)
	if len(why) == 0 {
		why = []string{"none visible from here (enough cores, no other load): this machine disagrees with the lesson; read the numbers above"}
	}
	rec.Reason = strings.Join(why, "; ")
	return rec, fmt.Sprintf("%s %s (%s%s%s", ClaimMissed, c.says, nums, claims.ReasonSep, rec.Reason)
}

// num prints a measured number with three significant digits, in plain
// digits up to a billion (1200, not 1.2e+03).
func num(x float64) string {
	if a := math.Abs(x); a >= 1000 && a < 1e9 {
		return fmt.Sprintf("%.0f", x)
	}
	return fmt.Sprintf("%.3g", x)
}

// snapshot is what the machine had done by one instant: wall time, every
// core's busy time and this program's CPU time (with its child processes).
type snapshot struct {
	at      time.Time
	busy    time.Duration // all cores together, every process; -1 if unreadable
	program time.Duration
}

func takeSnapshot() snapshot {
	s := snapshot{at: time.Now(), busy: -1, program: programCPU(os.Getpid())}
	if t, err := sysstat.CPUTimes(false); err == nil && len(t) == 1 {
		idle := t[0].Idle + t[0].Iowait
		all := t[0].User + t[0].System + t[0].Idle + t[0].Nice + t[0].Iowait + t[0].Irq + t[0].Softirq + t[0].Steal
		s.busy = time.Duration((all - idle) * float64(time.Second))
	}
	return s
}

// machine is what the program can see of the conditions of one run.
type machine struct {
	cores  float64       // cores the program may use: logical cores, or the container's quota if lower
	others float64       // cores other processes kept busy on average during the run; -1 if unknown
	wall   time.Duration // how long the run took
	scale  float64       // KIT_SCALE
	// cpuGrowth is the parallel run's CPU time over the serial run's, for
	// the same work (see CheckSpeedup); 0 if unknown.
	cpuGrowth float64
}

// until is what the machine did between two snapshots.
func (s snapshot) until(e snapshot) machine {
	m := machine{cores: float64(runtime.NumCPU()), others: -1, wall: e.at.Sub(s.at), scale: Scale()}
	if runtime.GOOS == "linux" {
		if q := cgroupCPUQuota(os.DirFS("/sys/fs/cgroup")); q > 0 && q < m.cores {
			m.cores = q
		}
	}
	// The kernel counts CPU time in ticks of 10 ms: over a shorter run the
	// difference is noise, so the load stays unknown.
	if s.busy >= 0 && e.busy >= 0 && m.wall >= claimShortRun {
		other := (e.busy - s.busy) - (e.program - s.program)
		m.others = min(max(float64(other)/float64(m.wall), 0), m.cores)
	}
	return m
}

// The thresholds below which a condition is not worth blaming.
const (
	claimShortRun    = 100 * time.Millisecond // shorter runs are mostly start-up and timer noise
	claimOtherLoad   = 0.25                   // cores of other work that can shift a ratio visibly
	claimScaledBelow = 0.5                    // KIT_SCALE under this makes every timing small
	claimCPUGrowth   = 1.2                    // more CPU time than this for the same work: the workers got in each other's way
)

// reasons are the conditions of the run that can explain a missed claim
// which needs the given number of cores (0: not a parallel claim).
func (m machine) reasons(workers int) []string {
	var why []string
	if workers > 0 && m.cores < float64(workers) {
		why = append(why, fmt.Sprintf("this machine gives the program %s cores, fewer than the %d workers the claim needs", num(m.cores), workers))
	}
	if m.others >= claimOtherLoad {
		free := m.cores - m.others
		w := fmt.Sprintf("other programs kept %s of the %s cores busy during the run", num(m.others), num(m.cores))
		if workers > 0 && free < float64(workers) {
			w += fmt.Sprintf(", leaving about %s for %d workers", num(max(free, 0)), workers)
		}
		why = append(why, w)
	}
	if m.cpuGrowth >= claimCPUGrowth {
		why = append(why, fmt.Sprintf("the parallel run needed %sx the CPU time of the serial one for the same work: "+
			"its workers slowed each other down (they share the memory bus, caches, any lock), which more cores would not fix", num(m.cpuGrowth)))
	}
	if m.scale < claimScaledBelow {
		why = append(why, fmt.Sprintf("the run was shrunk (%s=%s), so start-up costs and noise weigh more than in the lesson", ScaleEnv, num(m.scale)))
	} else if m.wall < claimShortRun {
		why = append(why, fmt.Sprintf("the run took only %s, too short to time reliably", FormatDuration(m.wall)))
	}
	return why
}
