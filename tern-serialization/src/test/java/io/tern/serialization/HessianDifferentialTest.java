package io.tern.serialization;

import static org.assertj.core.api.Assertions.assertThat;

import com.alibaba.com.caucho.hessian.io.Hessian2Input;
import io.netty.buffer.Unpooled;
import io.tern.ClassPolicy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.Date;
import java.util.EnumSet;
import java.util.GregorianCalendar;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.Vector;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tern's writer against hessian-lite 4.0.3's, the oracle: for every value and generated graph,
 * Tern's bytes equal hessian-lite's, Tern reads hessian-lite's bytes back to a value it writes
 * as the same bytes, and hessian-lite reads Tern's.
 */
class HessianDifferentialTest {

    public enum Color { RED, GREEN { }, BLUE }

    public static class Node implements Serializable {
        private static final long serialVersionUID = 1L;
        int i;
        long l;
        short s;
        byte b;
        boolean z;
        char c;
        float f;
        double d;
        String text;
        Integer boxed;
        Long boxedLong;
        Date date;
        java.sql.Timestamp stamp;
        BigDecimal money;
        LocalDate day;
        LocalDateTime at;
        Color color;
        Object any;
        List<Object> list;
        Map<Object, Object> map;
        Set<Object> set;
        int[] ints;
        String[] strings;
        byte[] bytes;
        Node next;
    }

    public static class Leaf extends Node {
        private static final long serialVersionUID = 1L;
        int i; // hides Node's: hessian-lite writes both
        String extra = "leaf";
    }

    public record Point(int x, long y, String label, Object tag) implements Serializable {
    }

    public static class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        int code = 7;

        public Failure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final ClassPolicy policy = ClassPolicy.strict().allowPackage("io.tern.serialization.");
    private final Hessian2Serialization tern = new Hessian2Serialization(policy);

    static List<Object> values() {
        StringBuilder surrogateAtBoundary = new StringBuilder("a".repeat(0x8000 - 1)).append("\ud83d\ude00")
                .append("z".repeat(100));
        Date minute = new Date(1_700_000_040_000L);
        List<Object> shared = new ArrayList<>(List.of("s"));
        return Arrays.asList(null, true, false, 0, 1, -16, 47, 48, -2048, 2047, 2048, -262144, 262143, 262144,
                Integer.MIN_VALUE, Integer.MAX_VALUE, 0L, -8L, 15L, 16L, 2047L, 2048L, 262143L, 262144L,
                (long) Integer.MAX_VALUE + 1, Long.MIN_VALUE, 0.0, 1.0, -128.0, 127.0, 128.0, -32768.0, 32767.0,
                32768.0, 0.001, 1.5, 12.25, Math.PI, Double.NaN, -0.0, 1.5f, (short) 3, (byte) -4, 'c', "",
                "a".repeat(31), "a".repeat(32), "a".repeat(1023), "a".repeat(1024), "a".repeat(0x8000),
                "a".repeat(0x8001), "Zoë 🐦 ünïcödé €", "€".repeat(5000), surrogateAtBoundary.toString(),
                minute, new Date(1_700_000_040_001L), new Date(Long.MAX_VALUE), new byte[0], new byte[15],
                new byte[16], new byte[1023], new byte[1024], new byte[8000], new byte[8180], new byte[20_000],
                new char[] {'h', 'i'}, new int[] {1, 2, 300}, new long[] {1, 1L << 40}, new double[] {1.5, 2},
                new float[] {0.5f}, new short[] {7}, new boolean[] {true, false}, new String[] {"x", null},
                new Object[] {1, "a", null}, new Integer[] {1, 2}, new long[][] {{1}, {2, 3}}, new Color[] {Color.RED},
                List.of(), List.of(1), List.of(1, 2, 3), new ArrayList<>(List.of(1, "two")),
                new LinkedList<>(List.of(1)), new HashSet<>(Set.of(1, 2)), new LinkedHashSet<>(List.of(3, 1)),
                new TreeSet<>(Set.of(5, 4)), Arrays.asList(1, 2), Collections.unmodifiableList(new ArrayList<>(List.of(1))),
                Collections.emptyList(), Collections.singletonList(1), new Vector<>(List.of(1)),
                new ArrayDeque<>(List.of(1)), new CopyOnWriteArrayList<>(List.of(1)), Set.of(9), Set.of(1, 2, 3),
                new HashMap<>(Map.of(1, "a")), new LinkedHashMap<>(Map.of("k", 2)), new TreeMap<>(Map.of(1, 2)),
                Map.of(), Map.of(1, 2), Map.of(1, 2, 3, 4), new ConcurrentHashMap<>(Map.of(1, 2)),
                Collections.emptyMap(), Color.RED, Color.GREEN,
                EnumSet.of(Color.RED, Color.BLUE), EnumSet.noneOf(Color.class), new BigDecimal("12.50"),
                new BigDecimal("-1E+5"), UUID.fromString("52165918-bb20-48df-8954-fb7de00a5fa0"), Locale.US,
                Locale.ROOT, String.class, int[].class, new java.sql.Timestamp(5), new java.sql.Date(86_400_000L),
                new java.sql.Time(1000), new GregorianCalendar(2026, 11, 1), BitSet.valueOf(new long[] {5, 1}),
                LocalDate.of(2026, 12, 1), LocalTime.of(21, 0, 5, 7), LocalDateTime.of(2026, 12, 1, 21, 0),
                Instant.ofEpochSecond(1_700_000_000L, 5), Duration.ofMillis(1500), MonthDay.of(12, 1),
                OffsetDateTime.of(2026, 12, 1, 21, 0, 0, 0, ZoneOffset.ofHours(1)),
                OffsetTime.of(21, 0, 0, 0, ZoneOffset.UTC), Period.of(1, 2, 3), Year.of(2026), YearMonth.of(2026, 12),
                ZoneOffset.ofHours(-3), ZoneId.of("Europe/Paris"), ZonedDateTime.parse(
                        "2026-12-01T21:00:00+01:00[Europe/Paris]"), new Point(1, 2L, "p", Color.BLUE),
                List.of(shared, shared), new IllegalStateException("boom"),
                new Failure("failed", new IllegalArgumentException("cause")), new io.tern.GenericException(
                        "com.example.Oops", "oops"));
    }

    @ParameterizedTest
    @MethodSource("values")
    void eachValueIsWrittenAsHessianLiteWritesIt(Object value) throws IOException {
        for (Throwable t = value instanceof Throwable e ? e : null; t != null; t = t.getCause()) {
            t.setStackTrace(new StackTraceElement[0]); // the JDK hides the format bits of a frame
        }
        assertSame(value);
    }

    private void assertSame(Object... values) throws IOException {
        byte[] expected = Bytes.hessianLite(values);
        byte[] actual = Bytes.tern(tern, values);
        assertThat(HexFormat.of().formatHex(actual)).as("Tern's bytes for %s", describe(values))
                .isEqualTo(HexFormat.of().formatHex(expected));
        Object[] read = new Object[values.length];
        try (ObjectInput in = tern.input(Unpooled.wrappedBuffer(expected))) {
            for (int i = 0; i < values.length; i++) {
                read[i] = in.readObject();
            }
        }
        if (!containsHashOrderDependentValues(values)) {
            assertThat(HexFormat.of().formatHex(Bytes.tern(tern, read)))
                    .as("what Tern reads of hessian-lite's bytes, written again").isEqualTo(HexFormat.of().formatHex(expected));
        }
        Hessian2Input lite = new Hessian2Input(new ByteArrayInputStream(actual));
        for (Object value : values) {
            Object back = lite.readObject();
            boolean negativeZero = value instanceof Double d && Double.doubleToRawLongBits(d) == Long.MIN_VALUE;
            if (value != null && !negativeZero && isValue(value)) { // hessian-lite writes -0.0 as 0.0
                assertThat(back).as("hessian-lite reads Tern's %s", value.getClass().getName()).isEqualTo(value);
            }
        }
    }

    /** Values whose read-back differs in class (a set read as a HashSet, an immutable list as an ArrayList). */
    private static boolean containsHashOrderDependentValues(Object[] values) {
        for (Object value : values) {
            if (value instanceof Set<?> || value instanceof Map<?, ?> m && !(m instanceof HashMap<?, ?>)
                    || value instanceof Node || value instanceof Throwable || value instanceof java.util.Calendar
                    || value instanceof List<?> l && !(l instanceof ArrayList<?>)
                    || value instanceof java.util.Collection<?> && !(value instanceof List<?>)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isValue(Object value) {
        return value instanceof String || value instanceof Number && !(value instanceof Short || value instanceof Byte
                || value instanceof Float) || value instanceof Boolean || value instanceof Date
                || value instanceof java.time.temporal.TemporalAccessor || value instanceof UUID;
    }

    private static String describe(Object[] values) {
        StringBuilder s = new StringBuilder();
        for (Object v : values) {
            s.append(v == null ? "null" : v.getClass().getName()).append(' ');
        }
        return s.toString();
    }

    @Test
    void generatedGraphsAreWrittenAsHessianLiteWritesThem() throws IOException {
        Random random = new Random(0x7e2a);
        for (int i = 0; i < 300; i++) {
            List<Node> pool = new ArrayList<>();
            Object graph = node(random, pool, 0);
            Object[] message = new Object[1 + random.nextInt(3)];
            message[0] = graph;
            for (int k = 1; k < message.length; k++) {
                message[k] = random.nextBoolean() && !pool.isEmpty() ? pool.get(random.nextInt(pool.size()))
                        : scalar(random);
            }
            assertSame(message);
        }
    }

    @Test
    void aMapWrittenEntryByEntryNumbersReferencesAsAWholeMapDoes() {
        List<Object> inner = new ArrayList<>(List.of("s")); // first written inside the map, then referred to
        Map<String, Object> attachments = new HashMap<>();
        attachments.put("k", List.of(inner, inner));
        io.netty.buffer.ByteBuf buf = Unpooled.buffer();
        try (ObjectOutput out = tern.output(buf)) {
            out.writeMapBegin();
            out.writeUTF("k");
            out.writeObject(List.of(inner, inner));
            out.writeMapEnd();
        }
        assertThat(HexFormat.of().formatHex(io.netty.buffer.ByteBufUtil.getBytes(buf)))
                .isEqualTo(HexFormat.of().formatHex(Bytes.hessianLite(attachments)));
    }

    @Test
    void bytesAreChunkedWhereHessianLitesBufferWouldSplitThem() throws IOException {
        for (int before : new int[] {0, 1, 100, 8000, 8160, 8170, 8176, 8180, 9000, 20_000}) {
            for (int length : new int[] {0, 15, 16, 1023, 1024, 8000, 8175, 8189, 8190, 16_400, 70_000}) {
                assertSame("x".repeat(before), new byte[length], "€".repeat(before / 3), new byte[length]);
            }
        }
    }

    private Object node(Random random, List<Node> pool, int depth) {
        Node node = random.nextInt(4) == 0 ? new Leaf() : new Node();
        pool.add(node);
        node.i = random.nextInt();
        node.l = random.nextLong() >> random.nextInt(64);
        node.s = (short) random.nextInt();
        node.b = (byte) random.nextInt();
        node.z = random.nextBoolean();
        node.c = (char) random.nextInt(0xd800);
        node.f = random.nextFloat();
        node.d = random.nextInt(3) == 0 ? random.nextInt(1000) / 1000.0 : random.nextDouble();
        node.text = random.nextInt(5) == 0 ? null : text(random);
        node.boxed = random.nextBoolean() ? random.nextInt(100) : null;
        node.boxedLong = random.nextBoolean() ? random.nextLong() : null;
        node.date = random.nextBoolean() ? new Date(random.nextLong() >> 20) : null;
        node.stamp = random.nextBoolean() ? new java.sql.Timestamp(random.nextInt()) : null;
        node.money = random.nextBoolean() ? BigDecimal.valueOf(random.nextInt(), random.nextInt(6)) : null;
        node.day = random.nextBoolean() ? LocalDate.ofEpochDay(random.nextInt(100_000)) : null;
        node.at = random.nextBoolean() ? LocalDateTime.of(2026, 1 + random.nextInt(12), 1, random.nextInt(24), 0) : null;
        node.color = random.nextBoolean() ? Color.values()[random.nextInt(3)] : null;
        node.any = random.nextBoolean() ? scalar(random) : pool.get(random.nextInt(pool.size())); // shared, or a cycle
        node.ints = random.nextBoolean() ? random.ints(random.nextInt(10)).toArray() : null;
        node.strings = random.nextBoolean() ? new String[] {text(random), null} : null;
        node.bytes = random.nextBoolean() ? new byte[random.nextInt(9000)] : null;
        if (depth < 3) {
            node.list = new ArrayList<>();
            for (int k = random.nextInt(4); k > 0; k--) {
                node.list.add(random.nextBoolean() ? node(random, pool, depth + 1) : scalar(random));
            }
            node.map = random.nextBoolean() ? new HashMap<>() : new LinkedHashMap<>();
            for (int k = random.nextInt(4); k > 0; k--) {
                node.map.put(random.nextBoolean() ? text(random) : (Object) random.nextInt(50),
                        random.nextBoolean() ? node(random, pool, depth + 1) : scalar(random));
            }
            node.set = random.nextBoolean() ? new LinkedHashSet<>(List.of(text(random), random.nextInt(9))) : null;
            node.next = random.nextInt(3) == 0 ? (Node) node(random, pool, depth + 1) : null;
        }
        return node;
    }

    private static Object scalar(Random random) {
        return switch (random.nextInt(8)) {
            case 0 -> random.nextInt();
            case 1 -> random.nextLong();
            case 2 -> text(random);
            case 3 -> random.nextDouble();
            case 4 -> Instant.ofEpochMilli(random.nextInt());
            case 5 -> Color.values()[random.nextInt(3)];
            case 6 -> new BigDecimal(random.nextInt(1000)).movePointLeft(2);
            default -> random.nextBoolean();
        };
    }

    private static String text(Random random) {
        StringBuilder s = new StringBuilder();
        int length = random.nextInt(20) == 0 ? 40_000 + random.nextInt(30_000) : random.nextInt(40);
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(10);
            if (kind < 6) {
                s.append((char) ('a' + random.nextInt(26)));
            } else if (kind < 8) {
                s.append((char) (0x80 + random.nextInt(0x700)));
            } else if (kind < 9) {
                s.append((char) (0x800 + random.nextInt(0xd000)));
            } else {
                s.appendCodePoint(0x1f600 + random.nextInt(50)); // a surrogate pair
            }
        }
        return s.toString();
    }
}
