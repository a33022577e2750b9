package dev.trailrouter.intake;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.ext.web.Router;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.main.HttpServerConfigurationProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.trailrouter.config.TrailRouterSettings;
import dev.trailrouter.decode.EnvelopeDecoder;
import dev.trailrouter.observe.PipelineMetrics;
import dev.trailrouter.state.DeliveredEvents;

/**
 * The SNS HTTPS push intake: one {@code platform-http} route per configured endpoint ({@code sns-push-<name>},
 * {@code POST /sns/<name>}) on Camel Main's own HTTP server ({@code camel.server.*}), which is not the management
 * server ({@code camel.management.*}, loopback by default): this one faces SNS, usually through a load balancer, and
 * serves nothing else. Off unless {@code trailrouter.sns-push.endpoints} is set. What a request gets is
 * {@link SnsPushes}'s; the limits are the server's body cap, a concurrency bound shared by all endpoints (503 when
 * full), and a read timeout for clients that send their body slowly (503, connection closed).
 */
public final class SnsPushRoutes extends RouteBuilder {

    private static final Logger LOG = LoggerFactory.getLogger("dev.trailrouter.intake");

    /** The bean name under which an {@link SnsHttp} replaces the default fetcher (tests: a trust store, the emulator). */
    public static final String HTTP_BEAN = "snsPushHttp";

    /**
     * Turns Camel Main's HTTP server on, on the push port, when an endpoint is configured (before Main configures it):
     * its port, host and body cap come from {@code trailrouter.sns-push.*}; TLS on the listener is Camel's own
     * ({@code camel.server.use-global-ssl-context-parameters=true} with {@code camel.ssl.*}).
     */
    public static void configureServer(CamelContext context, HttpServerConfigurationProperties server) {
        TrailRouterSettings settings = new TrailRouterSettings(context);
        if (!SnsPushSettings.enabled(settings)) {
            return;
        }
        SnsPushSettings push = SnsPushSettings.read(settings);
        server.setEnabled(true);
        server.setHost(push.host());
        server.setPort(push.port());
        server.setMaxBodySize(push.maxBodyBytes());
    }

    /**
     * What {@code validate} says about the push intake: empty when it is off, else e.g. {@code 1 push endpoint
     * (events: 2 topics)}; a wrong setting throws with the one-line reason start-up would give.
     */
    public static String summary(CamelContext context) {
        TrailRouterSettings settings = new TrailRouterSettings(context);
        if (!SnsPushSettings.enabled(settings)) {
            return "";
        }
        List<SnsPushSettings.Endpoint> endpoints = SnsPushSettings.read(settings).endpoints();
        return endpoints.size() + (endpoints.size() == 1 ? " push endpoint (" : " push endpoints (")
                + String.join(", ", endpoints.stream().map(e -> e.name() + ": " + e.topics().size()
                + (e.topics().size() == 1 ? " topic" : " topics")).toList()) + ")";
    }

    @Override
    public void configure() throws Exception {
        TrailRouterSettings trailrouter = new TrailRouterSettings(getContext());
        if (!SnsPushSettings.enabled(trailrouter)) {
            return;
        }
        SnsPushSettings settings = SnsPushSettings.read(trailrouter);
        CamelContext context = getContext();
        SnsHttp http = context.getRegistry().lookupByNameAndType(HTTP_BEAN, SnsHttp.class);
        if (http == null) {
            http = new SnsHttp(settings.fetchTimeout());
        }
        // a request waits for another request's fetch of the same certificate at most that fetch's own timeout plus 1 s
        SigningCertificates certificates = new SigningCertificates(settings.certHost(), http, settings.certCacheSize(),
                SigningCertificates.FAILURE_TTL, settings.fetchTimeout().plusSeconds(1), Clock.systemUTC());
        DeliveredEvents delivered = context.getRegistry().findSingleByType(DeliveredEvents.class);
        if (delivered == null) {
            delivered = new RecentMessageIds();
            LOG.info("sns-push: no durable dedup store bound: MessageIds are remembered in memory (the last {} per "
                    + "endpoint; not across restarts or instances)", RecentMessageIds.CAPACITY);
        }
        ObjectMapper json = context.getRegistry().findSingleByType(ObjectMapper.class);
        EnvelopeDecoder decoder = context.getRegistry().findSingleByType(EnvelopeDecoder.class);
        PipelineMetrics metrics = context.getRegistry().findSingleByType(PipelineMetrics.class);
        ExecutorService executor = context.getExecutorServiceManager()
                .newFixedThreadPool(this, "SnsPushDelivery", settings.maxConcurrent());
        Semaphore permits = new Semaphore(settings.maxConcurrent());

        // Camel 4.17's Vert.x engine finds its server's port with findSingleByType(VertxPlatformHttpServer): with the
        // management server running too there are two, it finds none and looks for the router of port 8080, which
        // does not exist. This engine names the push port itself, so the routes join Camel Main's HTTP server.
        int port = settings.port();
        context.getComponent("platform-http", org.apache.camel.component.platform.http.PlatformHttpComponent.class)
                .setEngine(new org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine() {
                    @Override
                    public int getServerPort() {
                        return port;
                    }
                });
        // each endpoint's drop rules: trailrouter.sns-push.<name>.drop-event-names … over the trailrouter.intake.* defaults,
        // applied by direct:events like every intake's
        dev.trailrouter.decode.IntakeDropRules dropRules =
                context.getRegistry().findSingleByType(dev.trailrouter.decode.IntakeDropRules.class);
        for (SnsPushSettings.Endpoint endpoint : settings.endpoints()) {
            if (dropRules != null) {
                dropRules.define(endpoint.source(), SnsPushSettings.PREFIX + endpoint.name() + ".");
            }
            SnsPushes pushes = new SnsPushes(endpoint, settings, certificates, http, json, decoder, metrics, delivered,
                    context, context.createProducerTemplate(), executor, permits, Clock.systemUTC());
            from("platform-http:" + endpoint.path() + "?httpMethodRestrict=POST")
                    .routeId("sns-push-" + endpoint.name())
                    .process(pushes::handle).id("sns-push-answer-" + endpoint.name());
        }
        context.addStartupListener((started, alreadyStarted) -> {
            if (!alreadyStarted) {
                slowClients(started, settings, metrics);
                LOG.info("sns-push: listening on {}:{} for {}", settings.host(), settings.port(),
                        settings.endpoints().stream().map(SnsPushSettings.Endpoint::path).toList());
            }
        });
    }

    /**
     * Guards in front of the routes: a declared body over the cap is answered 413 before it is read, and a client that
     * has not sent its whole body within {@code read-timeout-millis} is answered 503 and its connection closed: a
     * trickling client cannot hold a connection. 503, not 408: SNS treats any 4xx as final (straight to its DLQ),
     * and a slow upload from SNS is a network problem worth a retry. (Vert.x reads headers before
     * any handler runs; a header-phase timeout is the load balancer's, see docs/operations.md.)
     */
    private static void slowClients(CamelContext context, SnsPushSettings settings, PipelineMetrics metrics) {
        org.apache.camel.component.platform.http.main.MainHttpServer server =
                context.hasService(org.apache.camel.component.platform.http.main.MainHttpServer.class);
        Router router = server != null ? server.getRouter()
                : VertxPlatformHttpRouter.lookup(context, VertxPlatformHttpRouter.getRouterNameFromPort(settings.port()));
        if (router == null) {
            throw new IllegalStateException("sns-push: Camel's HTTP server router is not available");
        }
        long timeout = settings.readTimeout().toMillis();
        router.route("/sns/*").order(-100).handler(routing -> {
            // a declared length over the cap is refused here, counted, before a byte of it is read; a chunked body
            // over it is cut by the server's own cap (camel.server max body size: 413, logged by Vert.x)
            String length = routing.request().getHeader("Content-Length");
            if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > settings.maxBodyBytes()) {
                metrics.registry().counter("trailrouter.sns.push", "endpoint", endpointOf(routing.request().path()),
                        "outcome", "refused", "reason", "body-too-large", "status", "413").increment();
                LOG.warn("sns-push {} refused (413) reason=body-too-large: Content-Length {} is more than {}max-body-bytes={}",
                        endpointOf(routing.request().path()), length, SnsPushSettings.PREFIX, settings.maxBodyBytes());
                routing.response().setStatusCode(413).putHeader("Connection", "close").end("refused: body-too-large\n");
                return;
            }
            long timer = routing.vertx().setTimer(timeout, id -> {
                if (!routing.request().isEnded() && !routing.response().ended()) {
                    metrics.registry().counter("trailrouter.sns.push", "endpoint", endpointOf(routing.request().path()),
                            "outcome", "refused", "reason", "read-timeout", "status", "503").increment();
                    routing.response().setStatusCode(503).putHeader("Connection", "close")
                            .end("request body not received within " + timeout + " ms\n");
                    routing.request().connection().close();
                }
            });
            routing.addEndHandler(ended -> routing.vertx().cancelTimer(timer));
            routing.next();
        });
    }

    /** The endpoint name of a /sns/<name> path, for the counter; "-" for anything else (never the raw path). */
    static String endpointOf(String path) {
        String name = path == null ? "" : path.replaceFirst("^/sns/", "");
        return name.matches("[a-z0-9][a-z0-9-]{0,62}") ? name : "-";
    }
}
