//go:build !linux

package main

import "syscall"

// childAttr: no parent-death signal outside Linux; patbench still stops its
// children on exit and on interrupt.
func childAttr() *syscall.SysProcAttr { return nil }

// lockWorkdir: no lock outside Linux; run one patbench at a time.
func lockWorkdir(string) error { return nil }
