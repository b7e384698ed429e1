// Package safepath owns the one rule for reading a user-named file: only from inside a root
// folder, only a regular file, only up to a size limit. Bundles name their source text with
// document.path, and folders of documents are walked for intake; both read through here, so
// an absolute path, a climb with "..", a symlink that leads out of the root, a device
// (/dev/zero), a FIFO or an oversized file is refused with an error naming the file and the
// reason, before anything is read.
//
// Containment is os.Root's (Go 1.24+): every path component, symlinks included, is resolved
// inside the root, so a link inside the folder to a file inside it is fine and one that
// leaves it is not.
package safepath

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// The reasons a file is refused; test with errors.Is.
var (
	ErrOutside    = errors.New("outside the folder it may be read from")
	ErrNotRegular = errors.New("not a regular file")
	ErrTooLarge   = errors.New("larger than the size limit")
	ErrNotFound   = errors.New("no such file")
)

// Error is a refused or failed read: the path as the user wrote it, the root it was resolved
// in, and why.
type Error struct {
	Name string // as written (e.g. a bundle's document.path)
	Root string // the folder it must be inside
	Err  error  // one of the Err* reasons, wrapping the cause where there is one
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s (in %s): %v", e.Name, e.Root, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// ReadFile reads name, a path relative to root, refusing anything outside root, anything
// that is not a regular file and anything larger than max bytes (max <= 0: no limit).
func ReadFile(root, name string, max int64) ([]byte, error) {
	f, size, err := Open(root, name, max)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	limit := max
	if limit <= 0 {
		limit = size
	}
	// Read at most limit+1 bytes: a file that grew past the limit after the Stat is refused too.
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, &Error{Name: name, Root: root, Err: fmt.Errorf("read: %w", err)}
	}
	if max > 0 && int64(len(b)) > max {
		return nil, &Error{Name: name, Root: root, Err: fmt.Errorf("%w (%d bytes)", ErrTooLarge, max)}
	}
	return b, nil
}

// Open opens name inside root for reading under the same rules as ReadFile and returns the
// file and its size. The caller closes it.
func Open(root, name string, max int64) (*os.File, int64, error) {
	fail := func(err error) (*os.File, int64, error) {
		return nil, 0, &Error{Name: name, Root: root, Err: err}
	}
	if name == "" {
		return fail(fmt.Errorf("%w: empty path", ErrNotFound))
	}
	if filepath.IsAbs(name) {
		return fail(fmt.Errorf("%w: an absolute path is not allowed; write it relative to the folder", ErrOutside))
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return fail(fmt.Errorf("open folder: %w", err))
	}
	defer r.Close()
	// Stat before Open: opening a FIFO or a device would block or never end.
	fi, err := r.Stat(name)
	if err != nil {
		return fail(classify(err))
	}
	if !fi.Mode().IsRegular() {
		return fail(fmt.Errorf("%w (%s)", ErrNotRegular, fi.Mode().Type()))
	}
	if max > 0 && fi.Size() > max {
		return fail(fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, fi.Size(), max))
	}
	f, err := r.Open(name)
	if err != nil {
		return fail(classify(err))
	}
	return f, fi.Size(), nil
}

// classify maps os.Root's errors to the package's reasons.
func classify(err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	case isEscape(err):
		return fmt.Errorf("%w: %w", ErrOutside, err)
	default:
		return err
	}
}

// isEscape reports os.Root's refusal of a path that leaves the root ("path escapes from
// parent"); the standard library does not export that error, so it is recognised by its
// place in the chain: a *fs.PathError whose cause is not a plain errno.
func isEscape(err error) bool {
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		return false
	}
	return pe.Err != nil && pe.Err.Error() == "path escapes from parent"
}
