package runtime

import (
	"context"
	"fmt"

	"github.com/dop251/goja"

	"github.com/weft-dev/weft/models"
)

// KVStore is where KV bindings keep their data; models.Store implements it.
type KVStore interface {
	KVGet(ctx context.Context, namespace, key string) ([]byte, string, bool, error)
	KVPut(ctx context.Context, namespace, key string, value []byte, metadata string, expiration int64) error
	KVDelete(ctx context.Context, namespace, key string) error
	KVList(ctx context.Context, namespace, prefix string, limit int, cursor string) (*models.KVListResult, error)
}

// kvNamespace finds the namespace a KV binding names; scripts can reach only their own bindings.
func (n *natives) kvNamespace(binding string) (KVStore, string) {
	store := n.in.w.engine.cfg.KV
	for _, b := range n.in.w.spec.Bindings {
		if b.Name == binding && b.Type == "kv_namespace" && store != nil {
			return store, b.Target["namespace_id"]
		}
	}
	n.throw("KV binding " + binding + " is not available")
	return nil, ""
}

// KV calls run on the loop's goroutine: SQLite answers in microseconds, and a synchronous call
// costs less than a goroutine hop per operation.
func (n *natives) kvGet(binding, key string) goja.Value {
	store, ns := n.kvNamespace(binding)
	value, meta, ok, err := store.KVGet(n.storeCtx(), ns, key)
	n.kvCheck("GET", err)
	if !ok {
		return goja.Null()
	}
	return n.in.vm.ToValue(map[string]any{"value": n.in.vm.NewArrayBuffer(value), "metadata": meta})
}

func (n *natives) kvPut(binding, key string, value goja.ArrayBuffer, metadata string, expiration int64) {
	store, ns := n.kvNamespace(binding)
	n.kvCheck("PUT", store.KVPut(n.storeCtx(), ns, key, value.Bytes(), metadata, expiration))
}

func (n *natives) kvDelete(binding, key string) {
	store, ns := n.kvNamespace(binding)
	n.kvCheck("DELETE", store.KVDelete(n.storeCtx(), ns, key))
}

func (n *natives) kvList(binding, prefix string, limit int, cursor string) goja.Value {
	store, ns := n.kvNamespace(binding)
	res, err := store.KVList(n.storeCtx(), ns, prefix, limit, cursor)
	n.kvCheck("LIST", err)
	keys := make([]any, len(res.Keys))
	for i, k := range res.Keys {
		keys[i] = map[string]any{"name": k.Name, "expiration": k.Expiration, "metadata": k.Metadata}
	}
	return n.in.vm.ToValue(map[string]any{"keys": keys, "list_complete": res.ListComplete, "cursor": res.Cursor})
}

// kvCheck throws a failed call as workerd phrases it: "KV PUT failed: 400 ...".
func (n *natives) kvCheck(op string, err error) {
	if err == nil {
		return
	}
	status := 500
	switch models.ErrorCode(err) {
	case models.EINVALID:
		status = 400
	case models.ETOOLARGE:
		status = 413
	case models.ENOTFOUND:
		status = 404
	}
	msg := models.ErrorMessage(err)
	if status == 500 {
		msg = "internal error"
		n.in.w.engine.log(&n.in.w.spec, "error", "KV "+op+": "+err.Error())
	}
	n.throw(fmt.Sprintf("KV %s failed: %d %s", op, status, msg))
}
