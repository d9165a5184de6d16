package runtime

import (
	"math"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/dop251/goja"
)

// JSON.stringify is done here rather than by goja's own, which quotes strings rune by rune through a
// UTF-16 reader, formats each array index as a string only to parse it back, and checks for cycles
// by scanning the whole path: a deeply nested value made that quadratic, in a native call no CPU
// limit can interrupt. This one copies plain runs of a string at once, refuses nesting deeper than
// maxJSONDepth with V8's RangeError, and gives up when the runtime is stopped.

// maxJSONDepth bounds nesting; V8 throws the same RangeError from its stack check.
const maxJSONDepth = 10000

// maxJSONLength is V8's longest string, in bytes here.
const maxJSONLength = 1<<29 - 24

var (
	typeBool   = reflect.TypeOf(false)
	typeString = reflect.TypeOf("")
	typeInt    = reflect.TypeOf(int64(0))
	typeFloat  = reflect.TypeOf(float64(0))
	typeBigInt = reflect.TypeOf((*big.Int)(nil))
	typeProxy  = reflect.TypeOf(goja.Proxy{})
)

// jsonBuffers keeps output buffers between calls, so a large result is not grown from nothing by
// doubling each time; the string is copied out. Buffers past maxPooledJSON are left to the collector.
var jsonBuffers = sync.Pool{New: func() any { return new([]byte) }}

const maxPooledJSON = 1 << 20

// installJSONStringify replaces JSON.stringify on vm; stopped reports that the runtime was
// interrupted (CPU or memory limit), so a long serialisation ends early.
func installJSONStringify(vm *goja.Runtime, stopped func() bool) {
	json := vm.Get("JSON").ToObject(vm)
	isArray, _ := goja.AssertFunction(vm.Get("Array").ToObject(vm).Get("isArray"))
	fn := vm.ToValue(func(call goja.FunctionCall) goja.Value {
		pooled := jsonBuffers.Get().(*[]byte)
		e := &jsonEncoder{vm: vm, stopped: stopped, isArray: isArray, buf: (*pooled)[:0]}
		defer func() {
			if cap(e.buf) <= maxPooledJSON {
				*pooled = e.buf
				jsonBuffers.Put(pooled)
			}
		}()
		e.options(call.Argument(1), call.Argument(2))
		v := call.Argument(0)
		var holder *goja.Object
		if e.replacer != nil { // the replacer sees the value as the "" property of a new object
			holder = vm.NewObject()
			_ = holder.Set("", v)
		}
		if !e.value(holder, "", v) {
			return goja.Undefined()
		}
		return vm.ToValue(string(e.buf))
	}).ToObject(vm)
	_ = fn.DefineDataProperty("name", vm.ToValue("stringify"), goja.FLAG_FALSE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	_ = fn.DefineDataProperty("length", vm.ToValue(3), goja.FLAG_FALSE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	_ = json.DefineDataProperty("stringify", fn, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
}

// options reads the replacer (a function, or an array naming the properties to write) and the
// indent (a number of spaces or a string, at most 10 either way).
func (e *jsonEncoder) options(replacer, space goja.Value) {
	if r, ok := replacer.(*goja.Object); ok {
		if f, ok := goja.AssertFunction(r); ok {
			e.replacer = f
		} else if e.arrayLike(r) {
			seen := map[string]bool{}
			e.only = []string{}
			for i, n := int64(0), r.Get("length").ToInteger(); i < n; i++ {
				if name, ok := replacerName(r.Get(strconv.FormatInt(i, 10))); ok && !seen[name] {
					seen[name] = true
					e.only = append(e.only, name)
				}
			}
		}
	}
	if o, ok := space.(*goja.Object); ok {
		switch o.ClassName() {
		case "Number":
			space = o.ToNumber()
		case "String":
			space = o.ToString()
		}
	}
	if _, ok := space.(*goja.Symbol); ok {
		return
	}
	switch space.ExportType() {
	case typeInt, typeFloat:
		e.gap = strings.Repeat(" ", int(max(0, min(10, space.ToFloat()))))
	case typeString:
		if s, ok := space.(goja.String); ok && s.Length() > 10 {
			space = s.Substring(0, 10)
		}
		e.gap = space.String()
	}
}

// replacerName is the property an array replacer's item names: a string or a number, boxed or not.
func replacerName(item goja.Value) (string, bool) {
	switch x := item.(type) {
	case nil, *goja.Symbol:
		return "", false
	case *goja.Object:
		if c := x.ClassName(); c == "Number" || c == "String" {
			return x.ToString().String(), true
		}
		return "", false
	}
	if t := item.ExportType(); t == typeString || t == typeInt || t == typeFloat {
		return item.String(), true
	}
	return "", false
}

type jsonEncoder struct {
	vm       *goja.Runtime
	stopped  func() bool
	isArray  goja.Callable // Array.isArray, asked only of proxies
	replacer goja.Callable
	only     []string // the properties an array replacer names, in its order
	gap      string   // the indent per level; empty writes no whitespace
	indent   string
	buf      []byte
	path     []*goja.Object        // the objects being serialised, outermost first
	deep     map[*goja.Object]bool // path beyond its first few, for a constant-time cycle check
	steps    int
}

// value writes v, the value of key in holder, and reports whether it wrote anything: undefined,
// functions and symbols are left out (an array writes null for them).
func (e *jsonEncoder) value(holder *goja.Object, key string, v goja.Value) bool {
	if e.steps++; e.steps&1023 == 0 && e.stopped() {
		panic(e.vm.NewGoError(errCPULimit)) // the runtime's own stop reason replaces this once it runs on
	}
	if o, ok := v.(*goja.Object); ok {
		v = e.toJSON(o, v, key)
	} else if v != nil && v.ExportType() == typeBigInt {
		v = e.toJSON(v.ToObject(e.vm), v, key) // BigInt.prototype.toJSON, if a script added one
	}
	if e.replacer != nil {
		var err error
		if v, err = e.replacer(holder, e.vm.ToValue(key), v); err != nil {
			panic(err)
		}
	}
	if v == nil || goja.IsUndefined(v) {
		return false
	}
	if goja.IsNull(v) {
		e.buf = append(e.buf, "null"...)
		return true
	}
	o, ok := v.(*goja.Object)
	if !ok {
		return e.primitive(v)
	}
	if _, callable := goja.AssertFunction(o); callable {
		return false
	}
	switch o.ClassName() {
	case "Number":
		return e.primitive(e.vm.ToValue(o.ToNumber()))
	case "String":
		e.quoteValue(o.ToString())
		return true
	case "Boolean":
		return e.primitive(e.vm.ToValue(o.Export()))
	case "BigInt":
		panic(e.vm.NewTypeError("Do not know how to serialize a BigInt"))
	case "RawJSON":
		e.buf = append(e.buf, o.Get("rawJSON").String()...)
		return true
	default:
		if e.arrayLike(o) {
			e.nested(o, e.array)
		} else {
			e.nested(o, e.object)
		}
	}
	return true
}

// arrayLike is Array.isArray(o), which also sees through a proxy.
func (e *jsonEncoder) arrayLike(o *goja.Object) bool {
	if o.ClassName() == "Array" {
		return true
	}
	if o.ExportType() != typeProxy {
		return false
	}
	r, err := e.isArray(goja.Undefined(), o)
	if err != nil {
		panic(err)
	}
	return r.ToBoolean()
}

// toJSON is v.toJSON(key) when v (as the object o) has such a method, else v.
func (e *jsonEncoder) toJSON(o *goja.Object, v goja.Value, key string) goja.Value {
	f, ok := goja.AssertFunction(o.Get("toJSON"))
	if !ok {
		return v
	}
	v, err := f(v, e.vm.ToValue(key))
	if err != nil {
		panic(err)
	}
	return v
}

func (e *jsonEncoder) primitive(v goja.Value) bool {
	if _, ok := v.(*goja.Symbol); ok {
		return false
	}
	switch v.ExportType() {
	case typeString:
		e.quoteValue(v)
	case typeInt:
		e.buf = strconv.AppendInt(e.buf, v.ToInteger(), 10)
	case typeFloat:
		if f := v.ToFloat(); math.IsNaN(f) || math.IsInf(f, 0) {
			e.buf = append(e.buf, "null"...)
		} else {
			e.buf = append(e.buf, v.String()...) // JavaScript's number formatting, -0 as 0
		}
	case typeBool:
		e.buf = strconv.AppendBool(e.buf, v.ToBoolean())
	case typeBigInt:
		panic(e.vm.NewTypeError("Do not know how to serialize a BigInt"))
	default:
		return false
	}
	return true
}

// nested writes an object or array with o on the path, refusing a cycle or too deep a nesting.
func (e *jsonEncoder) nested(o *goja.Object, write func(*goja.Object)) {
	const scanned = 32
	for i := 0; i < len(e.path) && i < scanned; i++ {
		if e.path[i].SameAs(o) {
			panic(e.vm.NewTypeError("Converting circular structure to JSON"))
		}
	}
	if e.deep[o] {
		panic(e.vm.NewTypeError("Converting circular structure to JSON"))
	}
	if len(e.path) >= maxJSONDepth {
		e.throw("RangeError", "Maximum call stack size exceeded")
	}
	if len(e.path) >= scanned {
		if e.deep == nil {
			e.deep = map[*goja.Object]bool{}
		}
		e.deep[o] = true
		defer delete(e.deep, o)
	}
	e.path = append(e.path, o)
	write(o)
	e.path = e.path[:len(e.path)-1]
	if len(e.buf) > maxJSONLength {
		e.throw("RangeError", "Invalid string length")
	}
}

func (e *jsonEncoder) array(o *goja.Object) {
	n := o.Get("length").ToInteger()
	if n == 0 {
		e.buf = append(e.buf, "[]"...)
		return
	}
	e.open('[')
	for i := int64(0); i < n; i++ {
		if i > 0 {
			e.separate()
		}
		key := strconv.FormatInt(i, 10)
		if !e.value(o, key, o.Get(key)) {
			e.buf = append(e.buf, "null"...)
		}
	}
	e.close(']')
}

func (e *jsonEncoder) object(o *goja.Object) {
	keys := e.only
	if keys == nil {
		keys = o.Keys()
	}
	start := len(e.buf)
	e.open('{')
	empty := true
	for _, k := range keys {
		mark := len(e.buf)
		if !empty {
			e.separate()
		}
		e.quote(k)
		e.buf = append(e.buf, ':')
		if e.gap != "" {
			e.buf = append(e.buf, ' ')
		}
		if e.value(o, k, o.Get(k)) {
			empty = false
		} else {
			e.buf = e.buf[:mark]
		}
	}
	if empty {
		e.indent = e.indent[:len(e.indent)-len(e.gap)]
		e.buf = append(e.buf[:start], "{}"...)
		return
	}
	e.close('}')
}

// open, separate and close write a bracket, a comma and the closing bracket, each followed or
// preceded by a new line and the indent when there is a gap.
func (e *jsonEncoder) open(c byte) {
	e.buf = append(e.buf, c)
	if e.gap != "" {
		e.indent += e.gap
		e.buf = append(append(e.buf, '\n'), e.indent...)
	}
}

func (e *jsonEncoder) separate() {
	e.buf = append(e.buf, ',')
	if e.gap != "" {
		e.buf = append(append(e.buf, '\n'), e.indent...)
	}
}

func (e *jsonEncoder) close(c byte) {
	if e.gap != "" {
		e.indent = e.indent[:len(e.indent)-len(e.gap)]
		e.buf = append(append(e.buf, '\n'), e.indent...)
	}
	e.buf = append(e.buf, c)
}

// quote writes s as a JSON string. goja hands over a string holding an unpaired surrogate with
// U+FFFD in its place, so a string with U+FFFD is re-read by UTF-16 unit to escape those as \udxxx.
func (e *jsonEncoder) quote(s string) { e.buf = appendQuoted(e.buf, s) }

// appendQuoted appends s as a JSON string.
func appendQuoted(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		b = append(b, s[start:i]...)
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
			i++
		case c < 0x20:
			b = appendControl(b, c)
			i++
		default:
			_, n := utf8.DecodeRuneInString(s[i:])
			b = append(b, s[i:i+n]...)
			i += n
		}
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func (e *jsonEncoder) throw(ctor, msg string) {
	err, _ := e.vm.New(e.vm.Get(ctor), e.vm.ToValue(msg))
	panic(err)
}

const lowerHex = "0123456789abcdef"

func appendControl(b []byte, c byte) []byte {
	switch c {
	case '\b':
		return append(b, `\b`...)
	case '\t':
		return append(b, `\t`...)
	case '\n':
		return append(b, `\n`...)
	case '\f':
		return append(b, `\f`...)
	case '\r':
		return append(b, `\r`...)
	}
	return append(b, '\\', 'u', '0', '0', lowerHex[c>>4], lowerHex[c&15])
}

// quoteUnits writes a string that may hold unpaired surrogates, one UTF-16 unit at a time.
func (e *jsonEncoder) quoteUnits(s goja.String) {
	e.buf = append(e.buf, '"')
	n := s.Length()
	for i := 0; i < n; i++ {
		u := rune(s.CharAt(i))
		switch {
		case u >= 0xD800 && u < 0xDC00 && i+1 < n && s.CharAt(i+1) >= 0xDC00 && s.CharAt(i+1) < 0xE000:
			e.buf = utf8.AppendRune(e.buf, 0x10000+(u-0xD800)<<10+rune(s.CharAt(i+1))-0xDC00)
			i++
		case u >= 0xD800 && u < 0xE000:
			e.buf = append(e.buf, '\\', 'u', lowerHex[u>>12], lowerHex[u>>8&15], lowerHex[u>>4&15], lowerHex[u&15])
		case u == '"' || u == '\\':
			e.buf = append(e.buf, '\\', byte(u))
		case u < 0x20:
			e.buf = appendControl(e.buf, byte(u))
		default:
			e.buf = utf8.AppendRune(e.buf, u)
		}
	}
	e.buf = append(e.buf, '"')
}

// quoteValue writes a JavaScript string value.
func (e *jsonEncoder) quoteValue(v goja.Value) {
	s := v.String()
	if gs, ok := v.(goja.String); ok && strings.ContainsRune(s, utf8.RuneError) {
		e.quoteUnits(gs)
		return
	}
	e.quote(s)
}
