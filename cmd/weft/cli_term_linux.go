package main

import (
	"bufio"
	"os"

	"golang.org/x/sys/unix"
)

// readHiddenLine reads one line from a terminal with echo off, so a typed secret never shows on screen.
func readHiddenLine(f *os.File) (string, error) {
	fd := int(f.Fd())
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return readLine(f)
	}
	quiet := *old
	quiet.Lflag &^= unix.ECHO
	quiet.Lflag |= unix.ICANON
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, &quiet); err != nil {
		return readLine(f)
	}
	defer unix.IoctlSetTermios(fd, unix.TCSETS, old)
	return readLine(f)
}

func readLine(f *os.File) (string, error) {
	return bufio.NewReader(f).ReadString('\n')
}
