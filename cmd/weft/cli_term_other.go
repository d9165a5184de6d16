//go:build !linux

package main

import (
	"bufio"
	"os"
)

// readHiddenLine reads one line from the terminal. Only Linux turns echo off (via termios); elsewhere
// pipe the value in (`weft secret put NAME < file`) to keep it off screen.
func readHiddenLine(f *os.File) (string, error) {
	return bufio.NewReader(f).ReadString('\n')
}
