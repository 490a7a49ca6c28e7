package io.tern.ops;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.tern.core.JsonStrings;
import io.tern.core.lifecycle.LifecycleReport;
import io.tern.core.lifecycle.ResourceKind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one connection's commands; every answer is text, or JSON for {@code /lifecycle}.
 *
 * <p>A page open in a local browser can send requests here, and DNS rebinding can make a foreign
 * name resolve to this port. So every request must name this endpoint in its {@code Host}
 * ({@link OpsHosts}), commands that change state ({@code /online}, {@code /offline}) are taken only
 * as {@code POST} and with no {@code Origin} or this endpoint's own, and every answer tells the
 * browser not to sniff it or frame it.
 */
final class OpsHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(OpsHandler.class);

    static final List<String> COMMANDS = List.of("ls", "online", "offline", "live", "ready", "startup", "metrics",
            "lifecycle", "state", "rules");
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";
    private static final String JSON = "application/json";
    private static final String HTML = "text/html; charset=utf-8";
    /** The live console: one page, no outside resources, reading {@code /state}, {@code /lifecycle}, {@code /metrics}. */
    private static final String CONSOLE = console();

    private static String console() {
        try (java.io.InputStream in = OpsHandler.class.getResourceAsStream("console.html")) {
            if (in == null) {
                throw new IllegalStateException("console.html is missing from tern-ops");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private record Answer(HttpResponseStatus status, String contentType, String body) {
        static Answer text(HttpResponseStatus status, String body) {
            return new Answer(status, TEXT, body.endsWith("\n") ? body : body + "\n");
        }
    }

    private final OpsTarget target;
    private final OpsHosts hosts;

    OpsHandler(OpsTarget target, OpsHosts hosts) {
        this.target = target;
        this.hosts = hosts;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        Answer answer;
        if (!request.decoderResult().isSuccess()) {
            answer = Answer.text(HttpResponseStatus.BAD_REQUEST, "bad request: " + request.decoderResult().cause());
        } else {
            try {
                answer = answer(request);
            } catch (RuntimeException e) {
                log.warn("ops: {} failed", request.uri(), e);
                answer = Answer.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "failed: " + e);
            }
        }
        ByteBuf body = ctx.alloc().buffer().writeBytes(answer.body.getBytes(StandardCharsets.UTF_8));
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, answer.status, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, answer.contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set("x-content-type-options", "nosniff")
                .set(HttpHeaderNames.X_FRAME_OPTIONS, "DENY");
        boolean keepAlive = HttpUtil.isKeepAlive(request) && request.decoderResult().isSuccess();
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private Answer answer(FullHttpRequest request) {
        QueryStringDecoder query = new QueryStringDecoder(request.uri());
        String path = query.path();
        String command = path.startsWith("/") ? path.substring(1) : path;
        boolean changes = command.equals("online") || command.equals("offline");
        String host = request.headers().get(HttpHeaderNames.HOST);
        if (host != null && !hosts.isThisEndpoint(host)) {
            return Answer.text(HttpResponseStatus.MISDIRECTED_REQUEST, "host: '" + OpsHosts.shown(host)
                    + "' (expected: " + hosts.expected() + ")");
        }
        HttpMethod expected = changes ? HttpMethod.POST : HttpMethod.GET;
        if (!request.method().equals(expected)) {
            return Answer.text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method: " + request.method() + " " + path
                    + " (expected: " + expected + ")");
        }
        if (changes) {
            String origin = request.headers().get(HttpHeaderNames.ORIGIN);
            if (origin != null && !OpsHosts.sameOrigin(origin, host)) {
                return Answer.text(HttpResponseStatus.FORBIDDEN, "origin: '" + OpsHosts.shown(origin)
                        + "' (expected: none, or this endpoint's own page)");
            }
            String site = request.headers().get("sec-fetch-site");
            if (site != null && !site.equals("same-origin") && !site.equals("none")) {
                return Answer.text(HttpResponseStatus.FORBIDDEN, "sec-fetch-site: '" + OpsHosts.shown(site)
                        + "' (expected: same-origin)");
            }
        }
        return switch (command) {
            case "" -> new Answer(HttpResponseStatus.OK, HTML, CONSOLE);
            case "state" -> new Answer(HttpResponseStatus.OK, JSON, stateJson());
            case "ls" -> Answer.text(HttpResponseStatus.OK, ls());
            case "online", "offline" -> change(command, parameter(query, "service"), parameter(query, "protocol"));
            case "live" -> probe(target.live());
            case "ready" -> probe(target.ready());
            case "startup" -> probe(target.started());
            case "metrics" -> {
                String text = target.prometheus();
                yield text == null ? Answer.text(HttpResponseStatus.NOT_FOUND, "metrics are off (expected: a server"
                        + " or client built with a meter registry)") : new Answer(HttpResponseStatus.OK, PROMETHEUS, text);
            }
            case "lifecycle" -> new Answer(HttpResponseStatus.OK, JSON, lifecycleJson(target.lifecycle()));
            case "rules" -> new Answer(HttpResponseStatus.OK, JSON, rulesJson(target.rules()));
            default -> Answer.text(HttpResponseStatus.NOT_FOUND, "unknown command: '" + command + "' (expected one of: "
                    + String.join(", ", COMMANDS) + ")");
        };
    }

    private static @Nullable String parameter(QueryStringDecoder query, String name) {
        List<String> values = query.parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static Answer probe(boolean value) {
        return Answer.text(value ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, Boolean.toString(value));
    }

    private Answer change(String command, @Nullable String pattern, @Nullable String protocol) {
        String services = pattern == null || pattern.isBlank() ? "*" : pattern;
        String over = protocol == null || protocol.isBlank() ? null : protocol.trim();
        if (over != null && !over.equals("dubbo") && !over.equals("tri")) {
            return Answer.text(HttpResponseStatus.BAD_REQUEST, "protocol: '" + OpsHosts.shown(over)
                    + "' (expected: dubbo or tri, or none for every protocol)");
        }
        int matched = command.equals("online") ? target.online(services, over) : target.offline(services, over);
        if (matched == 0) {
            return Answer.text(HttpResponseStatus.NOT_FOUND, "no service matches '" + services + "'"
                    + (over == null ? "" : " over " + over) + " (expected one of: " + String.join(", ",
                            target.services().stream().map(s -> s.key() + " (" + s.protocol() + ")").toList()) + ")");
        }
        return Answer.text(HttpResponseStatus.OK, "OK: " + matched + (matched == 1 ? " service " : " services ")
                + command);
    }

    private String ls() {
        StringBuilder out = new StringBuilder();
        List<OpsTarget.Service> services = target.services();
        out.append("As Provider side:\n");
        table(out, List.of("Provider Service Name", "Address", "State"), services.stream()
                .map(s -> List.of(s.key(), s.protocol() + "://" + s.address(), s.online() ? "online" : "offline")).toList());
        out.append("As Consumer side:\n");
        table(out, List.of("Consumer Service Name", "State", "Providers"), target.references().stream()
                .map(r -> List.of(r.key(), r.available() ? "available" : "unavailable",
                        r.providers().isEmpty() ? "-" : String.join(" ", r.providers()))).toList());
        return out.toString();
    }

    private static void table(StringBuilder out, List<String> head, List<List<String>> rows) {
        int[] width = new int[head.size()];
        for (int i = 0; i < head.size(); i++) {
            width[i] = head.get(i).length();
            for (List<String> row : rows) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        line(out, head, width);
        for (List<String> row : rows) {
            line(out, row, width);
        }
    }

    private static void line(StringBuilder out, List<String> cells, int[] width) {
        for (int i = 0; i < cells.size(); i++) {
            out.append(i == 0 ? "" : "  ").append(cells.get(i));
            if (i < cells.size() - 1) {
                out.append(" ".repeat(width[i] - cells.get(i).length()));
            }
        }
        out.append('\n');
    }

    /** What the console shows of services and references, as JSON. */
    private String stateJson() {
        StringBuilder out = new StringBuilder("{\"ready\":").append(target.ready()).append(",\"services\":[");
        boolean first = true;
        for (OpsTarget.Service service : target.services()) {
            out.append(first ? "" : ",");
            first = false;
            out.append("{\"key\":");
            JsonStrings.append(out, service.key());
            out.append(",\"address\":");
            JsonStrings.append(out, service.address());
            out.append(",\"protocol\":");
            JsonStrings.append(out, service.protocol());
            out.append(",\"online\":").append(service.online()).append('}');
        }
        out.append("],\"references\":[");
        first = true;
        for (OpsTarget.ReferenceState reference : target.references()) {
            out.append(first ? "" : ",");
            first = false;
            out.append("{\"key\":");
            JsonStrings.append(out, reference.key());
            out.append(",\"available\":").append(reference.available()).append(",\"providers\":[");
            for (int i = 0; i < reference.providers().size(); i++) {
                out.append(i == 0 ? "" : ",");
                JsonStrings.append(out, reference.providers().get(i));
            }
            out.append("],\"discovery\":");
            JsonStrings.append(out, reference.discovery());
            out.append(",\"seenAt\":{");
            boolean firstLevel = true;
            for (java.util.Map.Entry<String, String> level : new java.util.TreeMap<>(reference.seenAt()).entrySet()) {
                out.append(firstLevel ? "" : ",");
                firstLevel = false;
                JsonStrings.append(out, level.getKey());
                out.append(':');
                JsonStrings.append(out, level.getValue());
            }
            out.append("}}");
        }
        return out.append("]}\n").toString();
    }

    /** The tracker's report: the level, each kind's counts, and each leak. */
    /** The rules read, as {@code {"rules":[{owner, side, key, status, refused}...]}}. */
    static String rulesJson(List<OpsTarget.RuleState> rules) {
        StringBuilder out = new StringBuilder("{\"rules\":[");
        for (int i = 0; i < rules.size(); i++) {
            OpsTarget.RuleState rule = rules.get(i);
            out.append(i == 0 ? "{" : ",{").append("\"owner\":");
            JsonStrings.append(out, rule.owner());
            out.append(",\"side\":");
            JsonStrings.append(out, rule.side());
            out.append(",\"key\":");
            JsonStrings.append(out, rule.key());
            out.append(",\"status\":");
            JsonStrings.append(out, rule.status());
            out.append(",\"refused\":").append(rule.refused()).append('}');
        }
        return out.append("]}").toString();
    }

    static String lifecycleJson(LifecycleReport report) {
        StringBuilder out = new StringBuilder("{\"level\":");
        JsonStrings.append(out, report.level().name().toLowerCase(java.util.Locale.ROOT));
        out.append(",\"kinds\":{");
        boolean first = true;
        for (ResourceKind kind : ResourceKind.values()) {
            LifecycleReport.Counts c = report.counts(kind);
            out.append(first ? "" : ",");
            first = false;
            JsonStrings.append(out, kind.label());
            out.append(":{\"created\":").append(c.created()).append(",\"destroyed\":").append(c.destroyed())
                    .append(",\"live\":").append(c.live()).append(",\"collected\":").append(c.collected())
                    .append(",\"leaked\":").append(c.leaked()).append(",\"pending\":").append(c.pending()).append('}');
        }
        out.append("},\"leaks\":[");
        first = true;
        for (var leak : report.leaks()) {
            out.append(first ? "" : ",");
            first = false;
            out.append("{\"kind\":");
            JsonStrings.append(out, leak.kind().label());
            out.append(",\"name\":");
            JsonStrings.append(out, leak.name());
            out.append(",\"destroyedAt\":");
            JsonStrings.append(out, leak.destroyedAt().toString());
            out.append(",\"gcCycles\":").append(leak.gcCycles());
            out.append(",\"createdStack\":");
            nullableString(out, leak.createdStack());
            out.append(",\"destroyedStack\":");
            nullableString(out, leak.destroyedStack());
            out.append('}');
        }
        return out.append("]}\n").toString();
    }

    private static void nullableString(StringBuilder out, @Nullable String s) {
        if (s == null) {
            out.append("null");
        } else {
            JsonStrings.append(out, s);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("ops: closing {}: {}", ctx.channel(), cause.toString());
        ctx.close();
    }
}
