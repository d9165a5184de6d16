package runtime

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"

	"github.com/dop251/goja"
)

// codec is one CompressionStream or DecompressionStream. Compressors write into out as chunks come;
// decompressors buffer the input until the end, because Go's readers pull rather than take pushes.
type codec struct {
	out        bytes.Buffer
	w          io.WriteCloser
	in         bytes.Buffer
	format     string
	decompress bool
}

func (n *natives) codecNatives(set func(string, any)) {
	set("codecNew", func(format string, decompress bool) int {
		c := &codec{format: format, decompress: decompress}
		if !decompress {
			switch format {
			case "gzip":
				c.w = gzip.NewWriter(&c.out)
			case "deflate":
				c.w = zlib.NewWriter(&c.out)
			default:
				c.w, _ = flate.NewWriter(&c.out, flate.DefaultCompression)
			}
		}
		n.nextKey++
		n.codecs[n.nextKey] = c
		return n.nextKey
	})
	set("codecWrite", func(handle int, chunk goja.ArrayBuffer) goja.ArrayBuffer {
		c := n.codecs[handle]
		if c == nil {
			n.throw("stream is closed")
		}
		if c.decompress {
			if c.in.Len()+len(chunk.Bytes()) > maxRequestBody {
				n.throw("DecompressionStream input is too large")
			}
			c.in.Write(chunk.Bytes())
			return n.in.vm.NewArrayBuffer(nil)
		}
		c.w.Write(chunk.Bytes())
		if f, ok := c.w.(interface{ Flush() error }); ok {
			f.Flush()
		}
		return n.takeOut(c)
	})
	set("codecEnd", func(handle int) goja.ArrayBuffer {
		c := n.codecs[handle]
		delete(n.codecs, handle)
		if c == nil {
			return n.in.vm.NewArrayBuffer(nil)
		}
		if !c.decompress {
			c.w.Close()
			return n.takeOut(c)
		}
		var r io.Reader
		var err error
		switch c.format {
		case "gzip":
			r, err = gzip.NewReader(&c.in)
		case "deflate":
			r, err = zlib.NewReader(&c.in)
		default:
			r = flate.NewReader(&c.in)
		}
		if err == nil {
			_, err = io.Copy(&c.out, io.LimitReader(r, maxRequestBody+1))
		}
		if err != nil {
			panic(n.in.vm.NewTypeError(fmt.Sprintf("Decompression failed: %v", err)))
		}
		if c.out.Len() > maxRequestBody {
			n.throw("decompressed data is too large")
		}
		return n.takeOut(c)
	})
}

func (n *natives) takeOut(c *codec) goja.ArrayBuffer {
	b := append([]byte(nil), c.out.Bytes()...)
	c.out.Reset()
	return n.in.vm.NewArrayBuffer(b)
}
