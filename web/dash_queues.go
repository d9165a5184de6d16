package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/weft-dev/weft/models"
	"github.com/weft-dev/weft/views"
)

func (d *dashboard) registerQueuePages(g *echo.Group) {
	g.GET("/queues", d.handleQueuesPage)
	g.POST("/queues", d.handleQueueCreate)
	g.POST("/queues/:queue/delete", d.handleQueueDelete)
}

func (d *dashboard) queuesPage(c echo.Context, status int, name string, errs views.FieldErrors) error {
	qs, err := d.store.ListQueues(d.ctx(c))
	if err != nil {
		return err
	}
	producers, err := d.bindingUsers(c, models.BindingQueue, func(b models.Binding) string { return b.QueueName })
	if err != nil {
		return err
	}
	consumers := map[string][]string{}
	live, err := d.store.Live(d.ctx(c))
	if err != nil {
		return err
	}
	for _, le := range live {
		if len(le.Splits) > 0 {
			for _, qc := range le.Splits[0].Version.Settings.QueueConsumers {
				consumers[qc.Queue] = append(consumers[qc.Queue], le.Service+"/"+le.Environment)
			}
		}
	}
	return render(c, status, views.QueuesPage(d.page(c, "Queues", views.Crumb{Label: "Queues"}),
		views.QueuesProps{Queues: qs, Producers: producers, Consumers: consumers, NewName: name, Errors: errs}))
}

func (d *dashboard) handleQueuesPage(c echo.Context) error {
	return d.queuesPage(c, http.StatusOK, "", nil)
}

func (d *dashboard) handleQueueCreate(c echo.Context) error {
	name := strings.TrimSpace(c.FormValue("name"))
	if _, err := d.store.CreateQueue(d.ctx(c), actor(c), name); err != nil {
		if models.ErrorCode(err) == models.EINTERNAL {
			return err
		}
		return d.queuesPage(c, http.StatusUnprocessableEntity, name, views.FieldErrors{"name": models.ErrorMessage(err)})
	}
	return done(c, "/queues", "Created queue "+name)
}

func (d *dashboard) handleQueueDelete(c echo.Context) error {
	if err := d.store.DeleteQueue(d.ctx(c), actor(c), c.Param("queue")); err != nil {
		return failed(c, "/queues", err)
	}
	return done(c, "/queues", "Deleted queue "+c.Param("queue"))
}
