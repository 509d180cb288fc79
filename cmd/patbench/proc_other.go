//go:build !linux

package main

import (
	"errors"
	"syscall"
)

// childAttr: no parent-death signal outside Linux; patbench still stops its
// children on exit and on interrupt.
func childAttr() *syscall.SysProcAttr { return nil }

// lockWorkdir: no lock outside Linux; run one patbench at a time.
func lockWorkdir(string) error { return nil }

// resetPeakRSS: not outside Linux; the peak is then sampled (rssWatch).
func resetPeakRSS(int) error { return errors.New("no clear_refs outside Linux") }
