package runtime

import (
	"context"
	"errors"
	"sync"

	"github.com/weft-dev/weft/models"
)

// Durable Object writes are coalesced, as workerd's are. A put or delete takes effect in the object
// at once; when the event that made it ends, its writes are sealed into a batch and committed, with
// every batch sealed meanwhile, in one transaction. The event's answer waits until its batch is
// committed (the output gate), so no caller hears of a write that could still be lost, but the next
// event may run while the commit is under way: under load, one commit carries many events' writes
// instead of each paying its own.
//
// An event's writes are never split between commits unless it awaited list() or deleteAll(), which
// commit what came before them. If a commit fails, every answer waiting on it or on a later batch
// fails too, and the object restarts from what the store holds.

// writeBatch is the writes of one event (or of several, once merged for a commit).
type writeBatch struct {
	vals map[string]*string // nil: deleted
	done chan struct{}      // closed once committed, or failed
	err  error
}

// wait blocks until the batch is committed; a nil batch has nothing to wait for.
func (b *writeBatch) wait() error {
	if b == nil {
		return nil
	}
	<-b.done
	return b.err
}

// committed reports whether wait would return at once.
func (b *writeBatch) committed() bool {
	if b == nil {
		return true
	}
	select {
	case <-b.done:
		return true
	default:
		return false
	}
}

// objectWrites is an object's writes that the store does not hold yet.
type objectWrites struct {
	mu       sync.Mutex
	open     *writeBatch   // the running event's writes
	queued   []*writeBatch // sealed, waiting for the commit under way
	inFlight []*writeBatch // being committed
	failed   error         // a commit failed: the object must restart
}

// lookup is key's value among the writes not yet committed (nil: deleted); known is false when none
// of them touched key, so the store has its latest value.
func (w *objectWrites) lookup(key string) (value *string, known bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.open != nil {
		if v, ok := w.open.vals[key]; ok {
			return v, true
		}
	}
	for _, batches := range [][]*writeBatch{w.queued, w.inFlight} {
		for i := len(batches) - 1; i >= 0; i-- {
			if v, ok := batches[i].vals[key]; ok {
				return v, true
			}
		}
	}
	return nil, false
}

// write records an event's put (or, with a nil value, delete) of key.
func (w *objectWrites) write(key string, value *string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.open == nil {
		w.open = &writeBatch{vals: map[string]*string{}, done: make(chan struct{})}
	}
	w.open.vals[key] = value
}

// seal ends the running event's writes and starts committing them unless a commit is under way (its
// end starts the next). It returns the batch an answer must wait for: the last one sealed, which
// covers the event's own writes and any uncommitted ones it may have read; nil when the store holds
// everything.
func (w *objectWrites) seal(e *Engine, o *durableObject) *writeBatch {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.failed != nil { // the event may have written, or read, what was lost
		w.open = nil
		b := &writeBatch{done: make(chan struct{}), err: w.failed}
		close(b.done)
		return b
	}
	if b := w.open; b != nil {
		w.open = nil
		w.queued = append(w.queued, b)
		if len(w.inFlight) == 0 {
			w.commitQueued(e, o)
		}
	}
	if n := len(w.queued); n > 0 {
		return w.queued[n-1]
	}
	if n := len(w.inFlight); n > 0 {
		return w.inFlight[n-1]
	}
	return nil
}

// commitQueued commits every queued batch in one transaction, then the batches queued meanwhile,
// until none is left. w.mu is held.
func (w *objectWrites) commitQueued(e *Engine, o *durableObject) {
	w.inFlight, w.queued = w.queued, nil
	batches := w.inFlight
	spawn(func() {
		puts, deletes := map[string]string{}, []string{}
		merged := map[string]*string{}
		for _, b := range batches { // later batches win
			for k, v := range b.vals {
				merged[k] = v
			}
		}
		for k, v := range merged {
			if v == nil {
				deletes = append(deletes, k)
			} else {
				puts[k] = *v
			}
		}
		err := e.cfg.Durable.DOWrite(context.Background(), o.ns, o.id, puts, deletes)
		if err != nil {
			e.logObject(o, "error", "Durable Object storage write failed; the object restarts from its stored state: "+err.Error())
			err = errors.New("Durable Object storage write failed: " + models.ErrorMessage(err))
		}
		w.mu.Lock()
		defer w.mu.Unlock()
		w.inFlight = nil
		if err != nil {
			w.failed = err
			batches = append(batches, w.queued...) // sealed on top of the lost writes
			w.queued = nil
		}
		for _, b := range batches {
			b.err = err
			close(b.done)
		}
		if len(w.queued) > 0 {
			w.commitQueued(e, o)
		}
	})
}

// flush seals the running event's writes and waits until the store holds every write made so far,
// for reads the store must answer itself (list) or writes that bypass the batches (deleteAll).
func (w *objectWrites) flush(e *Engine, o *durableObject) error {
	return w.seal(e, o).wait()
}

// idle reports whether nothing waits to be committed.
func (w *objectWrites) idle() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.open == nil && len(w.queued) == 0 && len(w.inFlight) == 0
}

// reset clears a failed commit, reporting whether there was one: the object then restarts, and
// reads what the store holds.
func (w *objectWrites) reset() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	failed := w.failed != nil
	w.failed, w.open = nil, nil
	return failed
}
