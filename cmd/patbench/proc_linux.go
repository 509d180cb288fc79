package main

import (
	"fmt"
	"os"
	"syscall"
)

// childAttr makes a child process die with patbench (even if patbench is
// killed) and keeps it out of the terminal's process group, so patbench
// alone decides when it stops.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// lockWorkdir takes an exclusive lock on the work folder for the life of
// the process: two runs at once would share the database, the secrets and
// the server binary, and spoil each other's figures.
func lockWorkdir(dir string) error {
	f, err := os.OpenFile(dir+"/lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return fmt.Errorf("another patbench run is using %s (one run at a time)", dir)
	}
	lockFile = f // referenced, so no finalizer closes it: the lock lasts until exit
	return nil
}

// resetPeakRSS resets VmHWM of pid to its current resident set (Linux
// 4.0 and later: "5" in /proc/<pid>/clear_refs), so that the peak of one
// workload can be read apart from the process's earlier ones.
func resetPeakRSS(pid int) error {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0)
}

// lockFile holds the locked file for the life of the process: a file no
// variable refers to could be closed by its finalizer, releasing the lock.
//
//lint:ignore U1000 written only, on purpose: holding it is the point
var lockFile *os.File
