// Command verify checks Workbench checkpoint notes and proofs with the Go checksum
// database's own packages (golang.org/x/mod/sumdb/note and sumdb/tlog): an implementation
// that shares no code with Workbench's. It builds offline from Debian's golang-golang-x-mod-dev:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o verify verify.go
//
// Usage:
//
//	verify proof VKEY FILE.tlog-proof          every C2SP tlog-proof document in FILE
//	verify consistency VKEY OLD.note NEW.note PROOF   PROOF: base64 hashes, one a line
//
// It prints what it checked and exits 0, or prints why not and exits 1.
package main

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const header = "c2sp.org/tlog-proof@v1\n"

type checkpoint struct {
	origin string
	size   int64
	root   tlog.Hash
}

// openCheckpoint verifies the note's signature and parses the C2SP checkpoint text.
func openCheckpoint(msg []byte, v note.Verifier) (checkpoint, error) {
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		return checkpoint{}, fmt.Errorf("note: %v", err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 || lines[len(lines)-1] != "" {
		return checkpoint{}, errors.New("malformed checkpoint text")
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		return checkpoint{}, errors.New("malformed tree size")
	}
	root, err := decodeHash(lines[2])
	if err != nil {
		return checkpoint{}, err
	}
	return checkpoint{lines[0], size, root}, nil
}

func decodeHash(s string) (tlog.Hash, error) {
	var h tlog.Hash
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil || len(b) != tlog.HashSize {
		return h, fmt.Errorf("malformed hash %q", s)
	}
	copy(h[:], b)
	return h, nil
}

// checkProof verifies one tlog-proof document: note, record hash, inclusion.
func checkProof(doc string, v note.Verifier) error {
	head, noteText, ok := strings.Cut(doc, "\n\n")
	if !ok {
		return errors.New("no empty line before the checkpoint")
	}
	lines := strings.Split(head, "\n")
	var record []byte
	if strings.HasPrefix(lines[0], "extra ") {
		b, err := base64.StdEncoding.Strict().DecodeString(strings.TrimPrefix(lines[0], "extra "))
		if err != nil {
			return fmt.Errorf("extra: %v", err)
		}
		record, lines = b, lines[1:]
	}
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "index ") {
		return errors.New("no index line")
	}
	index, err := strconv.ParseInt(strings.TrimPrefix(lines[0], "index "), 10, 64)
	if err != nil {
		return fmt.Errorf("index: %v", err)
	}
	var proof tlog.RecordProof
	for _, line := range lines[1:] {
		h, err := decodeHash(line)
		if err != nil {
			return err
		}
		proof = append(proof, h)
	}
	cp, err := openCheckpoint([]byte(noteText), v)
	if err != nil {
		return err
	}
	if err := tlog.CheckRecord(proof, cp.size, cp.root, index, tlog.RecordHash(record)); err != nil {
		return fmt.Errorf("inclusion of record %d: %v", index, err)
	}
	fmt.Printf("OK record %d of %s (tree size %d, record hash %s)\n", index, cp.origin, cp.size, tlog.RecordHash(record))
	return nil
}

func proofMode(v note.Verifier, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	text := string(data)
	if !strings.HasPrefix(text, header) {
		return errors.New("not a c2sp.org/tlog-proof@v1 file")
	}
	for _, doc := range strings.Split(text, header)[1:] {
		if err := checkProof(doc, v); err != nil {
			return err
		}
	}
	return nil
}

func consistencyMode(v note.Verifier, oldPath, newPath, proofPath string) error {
	var notes [2]checkpoint
	for i, p := range []string{oldPath, newPath} {
		msg, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if notes[i], err = openCheckpoint(msg, v); err != nil {
			return fmt.Errorf("%s: %v", p, err)
		}
	}
	raw, err := os.ReadFile(proofPath)
	if err != nil {
		return err
	}
	var proof tlog.TreeProof
	for _, line := range strings.Split(string(bytes.TrimSpace(raw)), "\n") {
		if line == "" {
			continue
		}
		h, err := decodeHash(line)
		if err != nil {
			return err
		}
		proof = append(proof, h)
	}
	old, cur := notes[0], notes[1]
	if old.origin != cur.origin {
		return errors.New("the two checkpoints are of different logs")
	}
	if err := tlog.CheckTree(proof, cur.size, cur.root, old.size, old.root); err != nil {
		return fmt.Errorf("consistency %d -> %d: %v", old.size, cur.size, err)
	}
	fmt.Printf("OK tree %d is a prefix of tree %d of %s\n", old.size, cur.size, cur.origin)
	return nil
}

func main() {
	if len(os.Args) < 4 {
		fmt.Fprintln(os.Stderr, "usage: verify proof VKEY FILE | verify consistency VKEY OLD NEW PROOF")
		os.Exit(2)
	}
	v, err := note.NewVerifier(strings.TrimSpace(os.Args[2]))
	if err != nil {
		fmt.Fprintln(os.Stderr, "vkey:", err)
		os.Exit(2)
	}
	switch {
	case os.Args[1] == "proof" && len(os.Args) == 4:
		err = proofMode(v, os.Args[3])
	case os.Args[1] == "consistency" && len(os.Args) == 6:
		err = consistencyMode(v, os.Args[3], os.Args[4], os.Args[5])
	default:
		err = errors.New("unknown mode or wrong arguments")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		os.Exit(1)
	}
}
