package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

func (a *api) registerQueueRoutes(g *echo.Group) {
	g.GET("/queues", a.handleQueueList)
	g.POST("/queues", a.handleQueueCreate)
	g.DELETE("/queues/:queue", a.handleQueueDelete)
}

func (a *api) handleQueueList(c echo.Context) error {
	qs, err := a.store.ListQueues(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"queues": qs})
}

func (a *api) handleQueueCreate(c echo.Context) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	q, err := a.store.CreateQueue(c.Request().Context(), actor(c), in.Name)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"queue": q})
}

func (a *api) handleQueueDelete(c echo.Context) error {
	if err := a.store.DeleteQueue(c.Request().Context(), actor(c), c.Param("queue")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
