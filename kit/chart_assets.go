package kit

import (
	_ "embed"
	"encoding/base64"
	"sync"
)

// echartsGzip is Apache ECharts 5.6.0, the line go-echarts v2.7.2 targets,
// compressed so that kit stays small and charts draw with no network. It was
// made from the npm package with
//
//	npm pack echarts@5.6.0
//	gzip -9n < package/dist/echarts.min.js > assets/echarts.min.js.gz
//
// and unpacks to the file whose SHA-256 is echartsSHA256. Its licence, NOTICE
// and the d3 licence it requires sit beside it in assets/.
//
//go:embed assets/echarts.min.js.gz
var echartsGzip []byte

const (
	echartsVersion = "5.6.0"
	echartsSHA256  = "bf4a223524e40b77c304bec67e1222cf551f14880cf42c69dc046558e11c07b1"
)

// chartLibraryType marks the script element that carries the library: the
// browser does not run a script of an unknown type, it only keeps its text for
// the charts' loader to find.
const chartLibraryType = "application/x-kit-echarts-gzip-base64"

var chartLibrary struct {
	sync.Mutex
	sent bool
}

// chartLibraryOnce returns the element carrying the library the first time it
// is called in this process, and "" after. A GoNB cell is a process of its
// own, so every cell that draws carries the library once, in its first chart,
// and a saved notebook or its HTML export draws without the kernel. Later
// charts of the cell, and every chart of a page where the library has already
// started, reuse it.
func chartLibraryOnce() string {
	chartLibrary.Lock()
	defer chartLibrary.Unlock()
	if chartLibrary.sent {
		return ""
	}
	chartLibrary.sent = true
	return chartLibraryElement()
}

// chartLibraryElement is the library as an inert script element.
func chartLibraryElement() string {
	return `<script type="` + chartLibraryType + `" data-echarts="` + echartsVersion + `">` +
		base64.StdEncoding.EncodeToString(echartsGzip) + `</script>`
}
