// Package tracing sets up OpenTelemetry tracing: spans exported by OTLP over HTTP to a
// collector when an endpoint is configured, nothing at all otherwise (docs/operations.md).
package tracing

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// ServiceName is the service.name of every exported span.
const ServiceName = "sbqw"

// TracesURL checks an OTLP/HTTP endpoint — http(s)://host:port, as OTEL_EXPORTER_OTLP_ENDPOINT
// is written — and returns the URL spans are posted to: the endpoint with /v1/traces appended
// (unless it already names that path).
func TracesURL(endpoint string) (string, error) {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%q is not an OTLP/HTTP endpoint such as http://collector:4318", endpoint)
	}
	if !strings.HasSuffix(u.Path, "/v1/traces") {
		u.Path = strings.TrimSuffix(u.Path, "/") + "/v1/traces"
	}
	return u.String(), nil
}

// New returns a tracer provider exporting every span, in batches, to the OTLP/HTTP endpoint.
// Shut it down to send the last batch.
func New(ctx context.Context, endpoint string) (*sdktrace.TracerProvider, error) {
	target, err := TracesURL(endpoint)
	if err != nil {
		return nil, err
	}
	exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(target))
	if err != nil {
		return nil, fmt.Errorf("OTLP exporter: %w", err)
	}
	res := resource.NewSchemaless(attribute.String("service.name", ServiceName))
	return sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res)), nil
}
