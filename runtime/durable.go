package runtime

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/dop251/goja"

	"github.com/weft-dev/weft/models"
)

// DurableStore keeps Durable Object storage and alarms; models.Store implements it.
type DurableStore interface {
	DOGet(ctx context.Context, ns, id string, keys []string) (map[string]string, error)
	DOWrite(ctx context.Context, ns, id string, puts map[string]string, deletes []string) error
	DOList(ctx context.Context, ns, id string, o models.DOListOptions) ([][2]string, error)
	DODeleteAll(ctx context.Context, ns, id string) error
	DOGetAlarm(ctx context.Context, ns, id string) (int64, error)
	DOSetAlarm(ctx context.Context, ns, id string, ms int64, attempts int) error
	DOAlarms(ctx context.Context) ([]models.DOAlarm, error)
}

// DurableHosts finds the live worker of an environment ("service/env"): objects run its current code.
type DurableHosts interface {
	DurableHost(namespace string) (*Worker, error)
}

const (
	// maxCallDepth cuts loops of service bindings and Durable Object calls.
	maxCallDepth = 16
	// maxAlarmAttempts is how often a failing alarm() runs before it is dropped.
	maxAlarmAttempts = 6
)

// durableIdle is how long an object with no requests keeps its runtime (a variable for tests).
var durableIdle = 30 * time.Second

// durableObject is the one live instance of an object in this process. gate is its input gate:
// requests run one at a time, so an object's storage operations never interleave.
type durableObject struct {
	ns, hostNS, class, id, name string
	gate                        sync.Mutex
	dead                        bool // evicted: callers holding it look it up again
	host                        *Worker
	in                          *instance
	api                         *goja.Object
	idle                        *time.Timer
	writes                      objectWrites // storage writes not yet committed
}

func (o *durableObject) key() string { return o.ns + "\x00" + o.id }

type durables struct {
	mu      sync.Mutex
	objects map[string]*durableObject
	alarms  map[string]*time.Timer
}

func (e *Engine) durableObject(hostNS, class, id, name string) *durableObject {
	ns := hostNS + "/" + class
	e.do.mu.Lock()
	defer e.do.mu.Unlock()
	if e.do.objects == nil {
		e.do.objects, e.do.alarms = map[string]*durableObject{}, map[string]*time.Timer{}
	}
	k := ns + "\x00" + id
	o := e.do.objects[k]
	if o == nil {
		o = &durableObject{ns: ns, hostNS: hostNS, class: class, id: id}
		e.do.objects[k] = o
	}
	if o.name == "" {
		o.name = name
	}
	return o
}

// nameOf reads an object's name under the lock durableObject fills it in with: an object first
// reached by id (an alarm, idFromString) learns its name when a stub made by name reaches it.
func (e *Engine) nameOf(o *durableObject) string {
	e.do.mu.Lock()
	defer e.do.mu.Unlock()
	return o.name
}

// hostFor is the worker whose code an object runs: the environment's live version, or the caller's
// own when there is no resolver (tests) or when the caller is that environment's preview.
func (e *Engine) hostFor(hostNS string, caller *Worker) (*Worker, error) {
	if r := e.cfg.Hosts; r != nil {
		w, err := r.DurableHost(hostNS)
		if err == nil {
			return w, nil
		}
		if caller == nil || caller.namespace() != hostNS {
			return nil, err
		}
	}
	if caller != nil && caller.namespace() == hostNS {
		return caller, nil
	}
	return nil, fmt.Errorf("no deployed version of %s hosts Durable Objects", hostNS)
}

// namespace is "service/env" for gateway workers; tests and previews fall back to the spec ID.
func (w *Worker) namespace() string {
	if w.spec.Namespace != "" {
		return w.spec.Namespace
	}
	return w.spec.ID
}

// enter runs call on the object's runtime with its input gate held, starting the runtime (and
// constructing the object) first if needed. call is given the object that is live: an evicted one
// is replaced by a new one, whose runtime and api differ from those of o. finish reads the settled result on the same goroutine,
// the caller's. When the request left state.waitUntil work, enter returns with the gate still held
// and that work finishes on another goroutine, which releases the gate: it runs to the end before
// the next request enters the object, but the caller has its answer at once.
func (e *Engine) enter(ctx context.Context, o *durableObject, caller *Worker,
	call func(live *durableObject) (goja.Value, error), finish func(in *instance, v goja.Value) error) error {
	t, err := e.enterStart(ctx, o, caller, true, call, finish)
	if err != nil {
		return err
	}
	return t.completeCommitted()
}

// errGateBusy is enterStart's answer, when it may not wait, for an object handling another event.
var errGateBusy = errors.New("the Durable Object is busy")

// objectTurn is an event inside an object whose first turn has run; it holds the input gate.
type objectTurn struct {
	e      *Engine
	o      *durableObject
	in     *instance
	host   *Worker
	gen    uint64
	v      goja.Value
	p      *goja.Promise // the answer as a promise, if call gave one
	finish func(in *instance, v goja.Value) error
	writes *writeBatch // what the answer waits for, once complete has sealed the event's writes
}

// enterStart takes the object's input gate (waiting for it, or, unless wait, giving errGateBusy),
// starts the object if it must, and runs call's first turn.
func (e *Engine) enterStart(ctx context.Context, o *durableObject, caller *Worker, wait bool,
	call func(live *durableObject) (goja.Value, error), finish func(in *instance, v goja.Value) error) (*objectTurn, error) {
	for {
		if !o.gate.TryLock() {
			if !wait {
				return nil, errGateBusy
			}
			o.gate.Lock()
		}
		if !o.dead {
			break
		}
		o.gate.Unlock()
		o = e.durableObject(o.hostNS, o.class, o.id, e.nameOf(o))
	}
	if o.writes.reset() { // what the object holds in memory was never stored
		o.in = nil
	}
	host, err := e.hostFor(o.hostNS, caller)
	if err == nil && o.in != nil && o.host != host {
		o.in = nil // a new version went live: the object restarts on its code
	}
	if err == nil && o.in == nil {
		err = o.start(host)
	}
	if err != nil {
		o.gate.Unlock()
		return nil, err
	}
	t := &objectTurn{e: e, o: o, in: o.in, host: host, finish: finish}
	t.gen = t.in.begin(ctx, host.spec.CPULimit)
	t.v, t.p, err = t.in.call(func() (goja.Value, error) { return call(o) })
	if err != nil {
		t.leave()
		return nil, err
	}
	return t, nil
}

// completeCommitted completes the event and waits until its answer may go out.
func (t *objectTurn) completeCommitted() error {
	if err := t.complete(); err != nil {
		return err
	}
	return t.writes.wait()
}

// ready reports whether complete has nothing to wait for.
func (t *objectTurn) ready() bool { return settled(t.p) }

// complete waits for the answer and hands it to finish, then leaves the object: at once, or, when the
// event called state.waitUntil, once that work has settled, in the background. The answer may go out
// once t.writes is committed.
func (t *objectTurn) complete() error {
	v, err := t.v, error(nil)
	if t.p != nil {
		v, err = t.in.await(t.gen, t.p, t.host.spec.WallLimit)
	}
	if err == nil && t.finish != nil {
		err = t.finish(t.in, v)
	}
	t.writes = t.o.writes.seal(t.e, t.o)
	if err == nil && t.in.waiting { // an event that never called state.waitUntil skips asking the script
		spawn(func() {
			defer t.o.gate.Unlock()
			t.e.settleObject(t.o, t.in, t.host, t.gen)
			t.e.leaveObject(t.o, t.in)
		})
		return nil
	}
	t.leave()
	return err
}

func (t *objectTurn) leave() {
	t.e.leaveObject(t.o, t.in)
	t.o.gate.Unlock()
}

// settleObject runs a request's state.waitUntil work to its end; the caller may be gone by then, so
// the work is the object's and outlives the request's context.
func (e *Engine) settleObject(o *durableObject, in *instance, host *Worker, gen uint64) {
	var waits *goja.Promise
	err := in.runJS(func() error {
		settle, _ := goja.AssertFunction(o.api.Get("settle"))
		v, err := settle(o.api)
		if err == nil {
			waits = promiseOf(v)
		}
		return err
	})
	if err == nil && waits != nil {
		in.ctx = context.WithoutCancel(in.ctx)
		_, err = in.await(gen, waits, host.spec.WallLimit)
	}
	if err != nil {
		e.log(&host.spec, "exception", "Durable Object waitUntil: "+err.Error())
	}
}

// leaveObject ends a request on the object, committing what it wrote; a runtime broken by it is
// replaced on the next.
func (e *Engine) leaveObject(o *durableObject, in *instance) {
	o.writes.seal(e, o)
	in.end()
	if in.broken {
		o.in = nil
	}
	e.touch(o)
}

// start makes the object's runtime and constructs the object; a constructor that throws is an error
// for this request, and the next request tries again.
func (o *durableObject) start(host *Worker) error {
	in, err := host.newInstance()
	if err != nil {
		return err
	}
	in.object = o
	name := host.engine.nameOf(o)
	in.begin(context.Background(), startupCPULimit)
	err = in.runJS(func() error {
		v, err := in.durable(goja.Undefined(), in.vm.ToValue(o.class), in.vm.ToValue(o.id), in.vm.ToValue(name))
		if err != nil {
			return in.asJSError(err)
		}
		o.api = v.ToObject(in.vm)
		return nil
	})
	in.end()
	if err != nil {
		return fmt.Errorf("Durable Object %s failed to start: %w", o.class, err)
	}
	o.in, o.host = in, host
	return nil
}

// touch (re)arms the idle timer after each request.
func (e *Engine) touch(o *durableObject) {
	if o.idle != nil {
		o.idle.Stop()
	}
	o.idle = time.AfterFunc(durableIdle, func() { e.evict(o) })
}

// evict drops an idle object's runtime; its storage stays, and the next request starts it again.
func (e *Engine) evict(o *durableObject) {
	e.do.mu.Lock()
	defer e.do.mu.Unlock()
	if !o.gate.TryLock() {
		return // busy: the request in progress re-arms the timer
	}
	defer o.gate.Unlock()
	if !o.writes.idle() { // a new instance would read the store before these writes reach it
		e.touch(o)
		return
	}
	o.dead, o.in, o.api = true, nil, nil
	if e.do.objects[o.key()] == o {
		delete(e.do.objects, o.key())
	}
}

// LiveObjects counts objects with a runtime in memory.
func (e *Engine) LiveObjects() int {
	e.do.mu.Lock()
	defer e.do.mu.Unlock()
	return len(e.do.objects)
}

// durableFetch delivers a request to an object, as far as its first turn when it answers at once;
// otherwise wait finishes it. Unless block, a busy object gives errGateBusy rather than waiting.
func (e *Engine) durableFetch(ctx context.Context, o *durableObject, caller *Worker, req *http.Request, body []byte, block bool) (
	res *http.Response, wait func() (*http.Response, error), err error) {
	var out *response
	t, err := e.enterStart(ctx, o, caller, block, func(live *durableObject) (goja.Value, error) {
		fetch, _ := goja.AssertFunction(live.api.Get("fetch"))
		return fetch(live.api, live.in.requestArgs(req, body, nil)...)
	}, func(in *instance, v goja.Value) (err error) {
		out, err = in.takeResponse()
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	answer := func() (*http.Response, error) {
		if err := t.writes.wait(); err != nil {
			return nil, err
		}
		return out.httpResponse(req), nil
	}
	if !t.ready() {
		return nil, func() (*http.Response, error) {
			if err := t.completeCommitted(); err != nil {
				return nil, err
			}
			return out.httpResponse(req), nil
		}, nil
	}
	if err := t.complete(); err != nil {
		return nil, nil, err
	}
	if !t.writes.committed() { // the caller waits off its loop
		return nil, answer, nil
	}
	res, err = answer()
	return res, nil, err
}

// durableCall makes an RPC call; args and the result are in the prelude's serialised form.
func (e *Engine) durableCall(ctx context.Context, o *durableObject, caller *Worker, method, args string) (string, error) {
	var out string
	err := e.enter(ctx, o, caller, func(live *durableObject) (goja.Value, error) {
		call, _ := goja.AssertFunction(live.api.Get("call"))
		return call(live.api, live.in.vm.ToValue(method), live.in.vm.ToValue(args))
	}, func(_ *instance, v goja.Value) error {
		out = v.String()
		return nil
	})
	return out, err
}

// objectID derives a name's id in a namespace: the same name always reaches the same object.
func objectID(ns, name string) string {
	m := hmac.New(sha256.New, []byte("weft durable object:"+ns))
	m.Write([]byte(name))
	return hex.EncodeToString(m.Sum(nil))
}

func newObjectID() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

type callChainKey struct{}

// callChain is the objects and hops a request has passed through, to cut loops.
type callChain struct {
	depth   int
	objects []string
}

func chainOf(ctx context.Context) callChain {
	c, _ := ctx.Value(callChainKey{}).(callChain)
	return c
}

// nextHop checks the depth limit and self-calls, and returns the context for the next hop.
func nextHop(ctx context.Context, object string) (context.Context, error) {
	c := chainOf(ctx)
	if c.depth >= maxCallDepth {
		return nil, fmt.Errorf("Subrequest depth limit exceeded: %d nested service binding or Durable Object calls (is there a loop?)", maxCallDepth)
	}
	if object != "" {
		for _, x := range c.objects {
			if x == object {
				return nil, fmt.Errorf("a Durable Object cannot call itself while it is handling a request (it would wait on its own input gate)")
			}
		}
	}
	next := callChain{depth: c.depth + 1, objects: c.objects}
	if object != "" {
		next.objects = append(append([]string{}, c.objects...), object)
	}
	return context.WithValue(ctx, callChainKey{}, next), nil
}

// durableTarget resolves a Durable Object binding to its host environment and class.
func (n *natives) durableTarget(binding string) (hostNS, class string) {
	for _, b := range n.in.w.spec.Bindings {
		if b.Name == binding && b.Type == "durable_object_namespace" {
			hostNS = n.in.w.namespace()
			if s := b.Target["script_name"]; s != "" {
				hostNS = s + "/" + firstNonEmpty(b.Target["environment"], models.ProductionEnvName)
			}
			return hostNS, b.Target["class_name"]
		}
	}
	n.throw("Durable Object binding " + binding + " is not available")
	return "", ""
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// durableHop finds the object a stub call reaches and the context the call runs in, one hop deeper.
func (n *natives) durableHop(binding, id, name string) (*durableObject, context.Context) {
	hostNS, class := n.durableTarget(binding)
	o := n.in.w.engine.durableObject(hostNS, class, id, name)
	ctx, err := nextHop(n.in.subrequestCtx(), o.key())
	if err != nil {
		n.throw(err.Error())
	}
	return o, ctx
}

func (n *natives) durableNatives(set func(string, any)) {
	set("doIdFromName", func(binding, name string) string {
		// Derived from the environment, not the class, so a renamed class keeps its objects' ids;
		// storage is kept apart per class all the same.
		hostNS, _ := n.durableTarget(binding)
		return objectID(hostNS, name)
	})
	set("doNewId", newObjectID)
	set("doFetch", func(c goja.FunctionCall) goja.Value { // direct form: no reflection per call
		binding, id, name := c.Argument(0).String(), c.Argument(1).String(), c.Argument(2).String()
		o, ctx := n.durableHop(binding, id, name)
		e, caller := n.in.w.engine, n.in.w
		req := n.inProcessRequest(ctx, c.Argument(3).String(), c.Argument(4), c.Argument(5), c.Argument(6))
		body, err := readBody(req, maxRequestBody) // bytes the script gave: read at once
		if err != nil {
			return n.in.vm.ToValue(n.async(func() (*http.Response, error) { return nil, err }, nil))
		}
		return n.in.vm.ToValue(n.inline(func() (*http.Response, func() (*http.Response, error), error) {
			res, wait, err := e.durableFetch(ctx, o, caller, req, body, false)
			if errors.Is(err, errGateBusy) {
				err = errOffLoop
			}
			return res, wait, err
		}, func() (*http.Response, error) {
			return completed(e.durableFetch(ctx, o, caller, req, body, true))
		}, nil, nil))
	})
	set("doCall", func(binding, id, name, method, args string) *goja.Promise {
		o, ctx := n.durableHop(binding, id, name)
		e, caller := n.in.w.engine, n.in.w
		return n.asyncString(func() (string, error) { return e.durableCall(ctx, o, caller, method, args) })
	})
	n.storageNatives(set)
}

// scheduleAlarm arms the in-process timer of an object's alarm (stored already).
func (e *Engine) scheduleAlarm(ns, id string, ms int64) {
	e.do.mu.Lock()
	defer e.do.mu.Unlock()
	if e.do.alarms == nil {
		e.do.objects, e.do.alarms = map[string]*durableObject{}, map[string]*time.Timer{}
	}
	k := ns + "\x00" + id
	if t := e.do.alarms[k]; t != nil {
		t.Stop()
	}
	e.do.alarms[k] = time.AfterFunc(time.Until(time.UnixMilli(ms)), func() { e.runAlarm(ns, id) })
}

func (e *Engine) cancelAlarm(ns, id string) {
	e.do.mu.Lock()
	defer e.do.mu.Unlock()
	if t := e.do.alarms[ns+"\x00"+id]; t != nil {
		t.Stop()
		delete(e.do.alarms, ns+"\x00"+id)
	}
}

// runAlarm calls the object's alarm(); a failure retries with backoff, up to maxAlarmAttempts runs.
func (e *Engine) runAlarm(ns, id string) {
	store := e.cfg.Durable
	ctx := context.Background()
	at, err := store.DOGetAlarm(ctx, ns, id)
	if err != nil || at == 0 {
		return
	}
	cut := strings.LastIndexByte(ns, '/')
	o := e.durableObject(ns[:cut], ns[cut+1:], id, "")
	attempts := 0
	if alarms, err := store.DOAlarms(ctx); err == nil {
		for _, a := range alarms {
			if a.Namespace == ns && a.ObjectID == id {
				attempts = a.Attempts
			}
		}
	}
	err = e.enter(ctx, o, nil, func(live *durableObject) (goja.Value, error) {
		alarm, _ := goja.AssertFunction(live.api.Get("alarm"))
		return alarm(live.api, live.in.vm.ToValue(attempts))
	}, nil)
	now, _ := store.DOGetAlarm(ctx, ns, id)
	switch {
	case err == nil && now == at:
		store.DOSetAlarm(ctx, ns, id, 0, 0) // done, and alarm() did not set a new one
	case err != nil && attempts+1 < maxAlarmAttempts:
		next := time.Now().Add(time.Duration(1<<attempts) * time.Second).UnixMilli()
		store.DOSetAlarm(ctx, ns, id, next, attempts+1)
		e.scheduleAlarm(ns, id, next)
		e.logObject(o, "exception", fmt.Sprintf("alarm() of %s failed (attempt %d), retrying: %v", ns, attempts+1, err))
	case err != nil:
		store.DOSetAlarm(ctx, ns, id, 0, 0)
		e.logObject(o, "exception", fmt.Sprintf("alarm() of %s failed %d times; giving up: %v", ns, maxAlarmAttempts, err))
	}
}

func (e *Engine) logObject(o *durableObject, level, msg string) {
	if o.host != nil {
		e.log(&o.host.spec, level, msg)
	}
}

// RestoreAlarms re-arms every stored alarm; the server calls it when it starts.
func (e *Engine) RestoreAlarms(ctx context.Context) error {
	if e.cfg.Durable == nil {
		return nil
	}
	alarms, err := e.cfg.Durable.DOAlarms(ctx)
	if err != nil {
		return err
	}
	for _, a := range alarms {
		e.scheduleAlarm(a.Namespace, a.ObjectID, a.Time)
	}
	return nil
}
