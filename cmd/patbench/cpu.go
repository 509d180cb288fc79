package main

import (
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTick is USER_HZ, the unit of /proc/<pid>/stat CPU times (100 on
// every Linux architecture Go supports).
const clockTick = 10 * time.Millisecond

// cpuProbe samples the CPU time of the processes a workload loads: the
// server, MariaDB, and patbench itself (the clients, and the in-process
// HTTP floor).
type cpuProbe struct {
	server, db int // pids; 0 = none
}

// cpuSample is the CPU time of each probed process.
type cpuSample struct{ server, db, self time.Duration }

func (p cpuProbe) sample() cpuSample {
	return cpuSample{server: cpuTime(p.server), db: cpuTime(p.db), self: cpuTime(os.Getpid())}
}

// cpuTime is the user+system CPU time of pid (0 when unknown).
func cpuTime(pid int) time.Duration {
	if pid <= 0 {
		return 0
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// The command name may hold spaces; fields resume after its ')'.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	return time.Duration(utime+stime) * clockTick
}

// findPID returns the pid of the first process whose command name is comm.
func findPID(comm string) int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/comm")
		if err == nil && strings.TrimSpace(string(b)) == comm {
			return pid
		}
	}
	return 0
}
