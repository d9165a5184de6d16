package web

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/weft-dev/weft/models"
)

// statusByCode is the one table that maps domain error codes to HTTP status.
var statusByCode = map[string]int{
	models.EINVALID:      http.StatusBadRequest,
	models.EUNAUTHORIZED: http.StatusUnauthorized,
	models.EFORBIDDEN:    http.StatusForbidden,
	models.ENOTFOUND:     http.StatusNotFound,
	models.ECONFLICT:     http.StatusConflict,
	models.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	models.EINTERNAL:     http.StatusInternalServerError,
}

// codeByStatus maps echo's own errors (routing, body limit) back to domain codes.
var codeByStatus = map[int]string{
	http.StatusBadRequest:            models.EINVALID,
	http.StatusUnauthorized:          models.EUNAUTHORIZED,
	http.StatusForbidden:             models.EFORBIDDEN,
	http.StatusNotFound:              models.ENOTFOUND,
	http.StatusMethodNotAllowed:      models.ENOTFOUND,
	http.StatusConflict:              models.ECONFLICT,
	http.StatusRequestEntityTooLarge: models.ETOOLARGE,
	http.StatusUnsupportedMediaType:  models.EINVALID,
}

type errorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Details any    `json:"details,omitempty"`
}

// apiErrorHandler writes every error as {"error":{"code","message"}}; unexpected errors are logged
// and shown as "Internal error".
func apiErrorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		body := errorBody{Code: models.ErrorCode(err), Message: models.ErrorMessage(err)}
		var de *models.Error
		if errors.As(err, &de) {
			body.Details = de.Details
		}
		var he *echo.HTTPError
		if errors.As(err, &he) {
			body.Code = codeByStatus[he.Code]
			if body.Code == "" {
				body.Code = models.EINTERNAL
			}
			body.Message = httpErrorMessage(he)
		}
		status := statusByCode[body.Code]
		if he != nil {
			status = he.Code
		}
		if status >= 500 {
			log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
		}
		if c.Request().Method == http.MethodHead {
			_ = c.NoContent(status)
			return
		}
		_ = c.JSON(status, map[string]errorBody{"error": body})
	}
}

func httpErrorMessage(he *echo.HTTPError) string {
	switch he.Code {
	case http.StatusRequestEntityTooLarge:
		return "request body is too large"
	case http.StatusNotFound:
		return "no such API endpoint"
	case http.StatusMethodNotAllowed:
		return "method not allowed on this endpoint"
	}
	if m, ok := he.Message.(string); ok {
		return m
	}
	return http.StatusText(he.Code)
}

// invalid is shorthand for a 400 with a message.
func invalid(format string, args ...any) error {
	return models.Errorf(models.EINVALID, format, args...)
}
