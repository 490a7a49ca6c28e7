package io.tern.dubbo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tern.ClassPolicy;
import io.tern.Invocation;
import io.tern.MethodDescriptor;
import io.tern.Result;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceDescriptor;
import io.tern.ServiceKey;
import io.tern.core.TestServices.Person;
import io.tern.dubbo.EchoServices.Greeter;
import io.tern.dubbo.EchoServices.GreeterException;
import io.tern.serialization.Hessian2Serialization;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The frame codec on an {@link EmbeddedChannel}: every frame kind, split input, limits; no buffer left behind. */
class DubboFrameCodecTest {

    private static final ServiceDescriptor GREETER = ServiceDescriptor.of(Greeter.class);
    private static final MethodDescriptor GREET = GREETER.find("greet", "Ljava/lang/String;");
    private static final MethodDescriptor PEOPLE = GREETER.find("people", "I");
    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    private final DubboCodec codec = new DubboCodec(new Hessian2Serialization(
            ClassPolicy.strict().allowInterface(Greeter.class)));

    private EmbeddedChannel serverSide(int limit) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast(new DubboFrameDecoder.ServerFrameDecoder(codec, limit,
                path -> path.equals(Greeter.class.getName()) ? GREETER : null, null, null, new ReadGate(channel)));
        return channel;
    }

    private EmbeddedChannel clientSide(@Nullable MethodDescriptor expected) {
        DubboFrameDecoder.Pending call = () -> expected;
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast(new DubboFrameDecoder.ClientFrameDecoder(codec, 1 << 20, id -> call, null,
                new ReadGate(channel)));
        return channel;
    }

    private ByteBuf request(long id, boolean twoWay, Object... args) {
        Invocation invocation = Invocation.of(ServiceKey.of(Greeter.class.getName()), GREET, args);
        return codec.encodeRequest(ALLOC, id, twoWay, Greeter.class.getName(), "0.0.0", invocation,
                Map.of("path", Greeter.class.getName(), "trace", "t-1"), 1 << 20);
    }

    @Test
    void attachmentsMergeInOrderAndSharedValuesKeepTheirReferences() {
        java.util.List<String> shared = new java.util.ArrayList<>(java.util.List.of("x", "y"));
        Invocation invocation = Invocation.of(ServiceKey.of(Greeter.class.getName()), GREET, new Object[] {"Ada"});
        Map<String, Object> call = new java.util.LinkedHashMap<>();
        RequestTemplate template = new RequestTemplate(Greeter.class.getName(), "0.0.0",
                Map.of("path", Greeter.class.getName(), "trace", "from-the-base", "timeout", "2"), GREET, "3000", 3000,
                false);
        call.put("trace", "from-the-call");
        call.put("first", shared);
        call.put("second", shared); // written as a reference to the first
        call.put("timeout", "1");
        invocation.adoptAttachments(call);
        for (int i = 0; i < 2; i++) { // twice: the second message reuses the first one's writer and reader
            ByteBuf frame = codec.encodeRequest(ALLOC, 7 + i, template, invocation, 1 << 20);
            EmbeddedChannel channel = serverSide(1 << 20);
            assertThat(channel.writeInbound(frame)).isTrue();
            DecodedRequest request = channel.readInbound();
            assertThat(request.failure).isNull();
            assertThat(request.arguments).containsExactly("Ada");
            assertThat(request.attachments).containsEntry("path", Greeter.class.getName())
                    .containsEntry("trace", "from-the-call").containsEntry("timeout", "3000")
                    .containsEntry("first", shared).containsEntry("second", shared).hasSize(5);
            assertThat(request.attachments.get("second")).isSameAs(request.attachments.get("first"));
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void aTwoWayRequestHasDubbosHeaderAndDecodesWhole() {
        ByteBuf frame = request(42, true, "Zoë");
        assertThat(frame.getUnsignedShort(0)).isEqualTo(0xdabb);
        assertThat(frame.getByte(2)).isEqualTo((byte) 0xc2);
        assertThat(frame.getLong(4)).isEqualTo(42);
        assertThat(frame.getInt(12)).isEqualTo(frame.readableBytes() - 16);

        EmbeddedChannel channel = serverSide(1 << 20);
        assertThat(channel.writeInbound(frame)).isTrue();
        DecodedRequest request = channel.readInbound();
        assertThat(request.failure).isNull();
        assertThat(request.id).isEqualTo(42);
        assertThat(request.twoWay).isTrue();
        assertThat(request.method).isSameAs(GREET);
        assertThat(request.arguments).containsExactly("Zoë");
        assertThat(request.attachments).containsEntry("trace", "t-1");
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aOneWayRequestIsFlaggedSo() {
        ByteBuf frame = request(1, false, "x");
        assertThat(frame.getByte(2)).isEqualTo((byte) 0x82);
        EmbeddedChannel channel = serverSide(1 << 20);
        channel.writeInbound(frame);
        DecodedRequest request = channel.readInbound();
        assertThat(request.twoWay).isFalse();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void framesSplitAcrossReadsAndPackedTogetherDecode() {
        ByteBuf first = request(1, true, "one");
        ByteBuf second = request(2, true, "two");
        ByteBuf both = Unpooled.wrappedBuffer(first, second);
        EmbeddedChannel channel = serverSide(1 << 20);
        while (both.isReadable()) {
            channel.writeInbound(both.readRetainedSlice(Math.min(3, both.readableBytes())));
        }
        both.release();
        assertThat(((DecodedRequest) channel.readInbound()).arguments).containsExactly("one");
        assertThat(((DecodedRequest) channel.readInbound()).arguments).containsExactly("two");
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void heartbeatsAndTheirAnswersAreEvents() {
        ByteBuf heartbeat = codec.encodeHeartbeat(ALLOC, 7, true, Hessian2Serialization.ID);
        assertThat(heartbeat.getByte(2)).isEqualTo((byte) 0xe2);
        assertThat(heartbeat.getByte(16)).isEqualTo((byte) 0x4e); // Hessian null
        EmbeddedChannel server = serverSide(1 << 20);
        server.writeInbound(heartbeat);
        DecodedRequest request = server.readInbound();
        assertThat(request.isHeartbeat()).isTrue();
        assertThat(server.finish()).isFalse();

        ByteBuf answer = codec.encodeHeartbeat(ALLOC, 7, false, Hessian2Serialization.ID);
        assertThat(answer.getByte(2)).isEqualTo((byte) 0x22);
        assertThat(answer.getByte(3)).isEqualTo((byte) 20);
        EmbeddedChannel client = clientSide(null);
        client.writeInbound(answer);
        DecodedResponse response = client.readInbound();
        assertThat(response.event).isTrue();
        assertThat(client.finish()).isFalse();
    }

    @Test
    void theReadOnlyEventCarriesR() {
        ByteBuf event = codec.encodeOneWayEvent(ALLOC, 9, "R");
        assertThat(event.getByte(2)).isEqualTo((byte) 0xa2);
        EmbeddedChannel client = clientSide(null);
        client.writeInbound(event);
        DecodedRequest request = client.readInbound();
        assertThat(request.event).isTrue();
        assertThat(request.eventData).isEqualTo("R");
        assertThat(client.finish()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void allSixResponseTypesDecode(boolean withAttachments) {
        Result value = Result.value(List.of(new Person("Ada", 36, LocalDate.of(1815, 12, 10))))
                .withAttachments(Map.of("k", "v"));
        Result none = Result.value(null);
        Result thrown = Result.exception(new GreeterException("no"));
        for (Result result : List.of(value, none, thrown)) {
            ByteBuf frame = codec.encodeResponse(ALLOC, 3, Hessian2Serialization.ID, result, withAttachments, 1 << 20,
                    "people");
            int type = frame.getByte(16) - (byte) 0x90; // Hessian compact int
            EmbeddedChannel client = clientSide(PEOPLE);
            client.writeInbound(frame);
            DecodedResponse response = client.readInbound();
            assertThat(response.failure).isNull();
            assertThat(response.result).isNotNull();
            if (result == value) {
                assertThat(type).isEqualTo(withAttachments ? 4 : 1);
                assertThat((List<?>) response.result.value()).hasSize(1);
            } else if (result == none) {
                assertThat(type).isEqualTo(withAttachments ? 5 : 2);
                assertThat(response.result.value()).isNull();
            } else {
                assertThat(type).isEqualTo(withAttachments ? 3 : 0);
                assertThat(response.result.exception()).isInstanceOf(GreeterException.class).hasMessage("no");
            }
            if (withAttachments) {
                assertThat(response.result.attachments()).containsEntry("dubbo", "2.0.2");
            }
            assertThat(client.finish()).isFalse();
        }
    }

    @Test
    void errorStatusesCarryTheirMessage() {
        ByteBuf frame = codec.encodeError(ALLOC, 5, Hessian2Serialization.ID, WireStatus.SERVICE_NOT_FOUND, "gone");
        EmbeddedChannel client = clientSide(GREET);
        client.writeInbound(frame);
        DecodedResponse response = client.readInbound();
        assertThat(response.failure).isNotNull();
        assertThat(response.failure.status()).isEqualTo(RpcStatus.SERVICE_NOT_FOUND);
        assertThat(response.failure.getMessage()).isEqualTo("provider answered status 60: gone");
        assertThat(client.finish()).isFalse();
    }

    @Test
    void anOverLimitRequestIsReportedFromItsHeaderAndItsBodyDiscarded() {
        ByteBuf big = request(11, true, "x".repeat(5_000));
        int length = big.getInt(12);
        EmbeddedChannel channel = serverSide(1_000);
        channel.writeInbound(big.readRetainedSlice(16)); // the header alone is enough to refuse it
        DecodedRequest refused = channel.readInbound();
        assertThat(refused.id).isEqualTo(11);
        assertThat(refused.failure).isNotNull();
        assertThat(refused.failure.status()).isEqualTo(RpcStatus.LIMIT_EXCEEDED);
        assertThat(refused.failure.getMessage()).isEqualTo("payload: " + length + " bytes (expected: <= 1000)");

        channel.writeInbound(big); // the body, discarded
        channel.writeInbound(request(12, true, "next"));
        DecodedRequest next = channel.readInbound();
        assertThat(next.id).isEqualTo(12);
        assertThat(next.failure).isNull();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void anOverLimitRequestIsNeverEncoded() {
        Invocation invocation = Invocation.of(ServiceKey.of(Greeter.class.getName()), GREET, new Object[] {"x".repeat(5_000)});
        assertThatThrownBy(() -> codec.encodeRequest(ALLOC, 1, true, "p", "0.0.0", invocation, Map.of(), 1_000))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(RpcStatus.LIMIT_EXCEEDED));
    }

    @Test
    void anOverLimitResponseIsAnsweredWithAnErrorNotDropped() {
        ByteBuf frame = codec.encodeResponse(ALLOC, 4, Hessian2Serialization.ID, Result.value("y".repeat(5_000)), true,
                1_000, "greet");
        assertThat(frame.getByte(3)).isEqualTo((byte) 50);
        EmbeddedChannel client = clientSide(GREET);
        client.writeInbound(frame);
        DecodedResponse response = client.readInbound();
        assertThat(response.failure.getMessage()).startsWith("provider answered status 50 (BAD_RESPONSE): payload: ")
                .endsWith(" bytes (expected: <= 1000)");
        assertThat(client.finish()).isFalse();
    }

    /** Lists nested 200,000 deep: deeper than any thread's stack lets Hessian write. */
    private static java.util.List<Object> tooDeepToWrite() {
        java.util.List<Object> deep = new java.util.ArrayList<>();
        java.util.List<Object> current = deep;
        for (int i = 0; i < 200_000; i++) {
            java.util.List<Object> next = new java.util.ArrayList<>(1);
            current.add(next);
            current = next;
        }
        return deep;
    }

    @Test
    void aResultTooDeepToWriteIsAnsweredWithAnErrorNotABrokenOkFrame() {
        java.util.List<Object> deep = tooDeepToWrite();
        ByteBuf frame = codec.encodeResponse(ALLOC, 5, Hessian2Serialization.ID, Result.value(deep), true, 1 << 20,
                "greet");
        assertThat(frame.getByte(3)).as("status").isEqualTo((byte) 50);
        EmbeddedChannel client = clientSide(GREET);
        client.writeInbound(frame);
        DecodedResponse response = client.readInbound();
        assertThat(response.failure.getMessage()).startsWith("provider answered status 50 (BAD_RESPONSE): hessian2:"
                + " cannot write the result of greet: ").contains("StackOverflowError");
        assertThat(client.finish()).isFalse();
    }

    @Test
    void aRequestTooDeepToWriteFailsTheCallAsASerializationError() {
        java.util.List<Object> deep = tooDeepToWrite();
        Invocation invocation = Invocation.of(ServiceKey.of(Greeter.class.getName()), GREET, new Object[] {deep});
        assertThatThrownBy(() -> codec.encodeRequest(ALLOC, 1, true, "p", "0.0.0", invocation, Map.of(), 1 << 20))
                .isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.status()).isEqualTo(RpcStatus.SERIALIZATION);
                    assertThat(e.getMessage()).contains("StackOverflowError");
                });
    }

    @Test
    void anEventBodyOverFifteenBytesClosesTheConnection() {
        ByteBuf frame = Unpooled.buffer().writeBytes(RawFrames.header((byte) 0xe2, 1, 16)).writeZero(16);
        EmbeddedChannel channel = serverSide(1 << 20);
        channel.writeInbound(frame);
        Object nothing = channel.readInbound();
        assertThat(nothing).isNull();
        assertThat(channel.isOpen()).isFalse();
        channel.finish();
    }
}
