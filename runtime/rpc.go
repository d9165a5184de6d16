package runtime

import (
	"context"
	"fmt"

	"github.com/dop251/goja"
)

// ServiceCaller makes RPC calls through service bindings; the gateway implements it.
type ServiceCaller interface {
	CallService(ctx context.Context, service, env, entrypoint, method, args string) (string, error)
}

// Call runs an RPC method on the worker's default export or a named WorkerEntrypoint.
func (w *Worker) Call(ctx context.Context, entrypoint, method, args string) (string, error) {
	var out string
	err := w.dispatch(ctx, "rpc", nil, func(_ *instance, v goja.Value) error {
		out = v.String()
		return nil
	}, entrypoint, method, args)
	if err != nil {
		w.logException(fmt.Errorf("RPC %s: %w", method, err))
	}
	return out, err
}

func (n *natives) serviceCall(binding, method, args string) *goja.Promise {
	var target map[string]string
	for _, b := range n.in.w.spec.Bindings {
		if b.Name == binding && b.Type == "service" {
			target = b.Target
		}
	}
	caller, ok := n.in.w.engine.cfg.Services.(ServiceCaller)
	if target == nil || !ok {
		n.throw("service binding " + binding + " cannot make RPC calls here")
	}
	ctx, err := nextHop(n.in.subrequestCtx(), "")
	if err != nil {
		n.throw(err.Error())
	}
	return n.asyncString(func() (string, error) {
		return caller.CallService(ctx, target["service"], target["environment"], target["entrypoint"], method, args)
	})
}
