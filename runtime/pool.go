package runtime

// A worker's pool of runtimes: a request takes an idle one or starts one, and gives it back.

// get takes an idle runtime or starts a new one; a runtime never serves two requests at once.
func (w *Worker) get() (*instance, error) {
	n := w.busy.Add(1)
	for p := w.peak.Load(); n > p && !w.peak.CompareAndSwap(p, n); p = w.peak.Load() {
	}
	select {
	case in := <-w.idle:
		return in, nil
	default:
		in, err := w.newInstance()
		if err != nil {
			w.busy.Add(-1)
		}
		return in, err
	}
}

// put returns a runtime that served a request to the pool if it is healthy (module state lives on
// in it, as in Workers).
func (w *Worker) put(in *instance) {
	w.busy.Add(-1)
	w.keep(in)
}

// keep pools a healthy runtime.
func (w *Worker) keep(in *instance) {
	if in.broken {
		return
	}
	select {
	case w.idle <- in:
	default:
	}
}

// shrink drops idle runtimes beyond the most that were busy at once since the last shrink; with no
// traffic in between, the worker keeps only its compiled program.
func (w *Worker) shrink() {
	keep := int(w.peak.Swap(w.busy.Load()))
	for len(w.idle) > keep {
		select {
		case <-w.idle:
		default:
			return
		}
	}
}

func (w *Worker) drain() {
	for {
		select {
		case <-w.idle:
		default:
			return
		}
	}
}
