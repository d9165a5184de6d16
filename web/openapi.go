package web

import (
	_ "embed"
	"net/http"

	"github.com/labstack/echo/v4"
)

// openAPIDoc describes the REST API; a test checks it lists exactly the routes the server registers.
//
//go:embed openapi.json
var openAPIDoc []byte

func handleOpenAPI(c echo.Context) error {
	return c.Blob(http.StatusOK, "application/json", openAPIDoc)
}
