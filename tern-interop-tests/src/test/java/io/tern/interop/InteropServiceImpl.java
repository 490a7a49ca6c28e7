package io.tern.interop;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.LongStream;

/**
 * The implementation both providers run. Attachments are read and written through the functions
 * given, since Tern and Dubbo expose them differently.
 */
public class InteropServiceImpl implements InteropService {

    final List<String> notified = new CopyOnWriteArrayList<>();
    private final String identity;
    private final Function<String, Object> requestAttachment;
    private final BiConsumer<String, String> responseAttachment;

    public InteropServiceImpl(String identity, Function<String, Object> requestAttachment,
            BiConsumer<String, String> responseAttachment) {
        this.identity = identity;
        this.requestAttachment = requestAttachment;
        this.responseAttachment = responseAttachment;
    }

    @Override
    public int addInts(int a, int b) {
        return a + b;
    }

    @Override
    public long addLongs(long a, long b) {
        return a + b;
    }

    @Override
    public double scale(double value, float factor) {
        return value * factor;
    }

    @Override
    public boolean not(boolean value) {
        return !value;
    }

    @Override
    public byte nextByte(byte value) {
        return (byte) (value + 1);
    }

    @Override
    public short nextShort(short value) {
        return (short) (value + 1);
    }

    @Override
    public char upper(char value) {
        return Character.toUpperCase(value);
    }

    @Override
    public Integer boxed(Integer value) {
        return value == null ? null : value * 2;
    }

    @Override
    public String echo(String text) {
        return text;
    }

    @Override
    public String nullable(String text) {
        return text == null ? "was null" : null;
    }

    @Override
    public int[] reverse(int[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[values.length - 1 - i];
        }
        return out;
    }

    @Override
    public String[] upperAll(String[] values) {
        return Arrays.stream(values).map(String::toUpperCase).toArray(String[]::new);
    }

    @Override
    public List<String> sortedList(List<String> values) {
        return values.stream().sorted().toList();
    }

    @Override
    public Map<String, Integer> lengths(Set<String> words) {
        Map<String, Integer> out = new TreeMap<>();
        words.forEach(w -> out.put(w, w.length()));
        return out;
    }

    @Override
    public Color next(Color color) {
        return Color.values()[(color.ordinal() + 1) % Color.values().length];
    }

    @Override
    public BigDecimal total(BigDecimal price, int quantity) {
        return price.multiply(BigDecimal.valueOf(quantity));
    }

    @Override
    public LocalDate tomorrow(LocalDate date) {
        return date.plusDays(1);
    }

    @Override
    public LocalDateTime plusHours(LocalDateTime time, int hours) {
        return time.plusHours(hours);
    }

    @Override
    public Order roundTrip(Order order) {
        return order;
    }

    @Override
    public List<Order> orders(int count) {
        return LongStream.range(0, count).mapToObj(Order::sample).toList();
    }

    @Override
    public void failChecked(String message) throws InteropException {
        throw new InteropException(message);
    }

    @Override
    public void failUnchecked(String message) {
        throw new IllegalArgumentException(message);
    }

    @Override
    public void raise(String exceptionClass, String message) throws Exception {
        io.tern.testing.StandardExceptions.raise(exceptionClass, message);
    }

    @Override
    public String attachment(String key) {
        responseAttachment.accept("echo", "pong");
        Object value = requestAttachment.apply(key);
        return value == null ? "none" : value.toString();
    }

    @Override
    public String identify() {
        return identity;
    }

    @Override
    public String identifyFor(String request) {
        return identity;
    }

    @Override
    public String sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "slept";
    }

    @Override
    public void notify(String message) {
        notified.add(message);
    }

    @Override
    public int size(byte[] data) {
        return data.length;
    }
}
