package io.tern.interop;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The service both sides export and call; the same interface on both class paths. */
public interface InteropService {

    int addInts(int a, int b);

    long addLongs(long a, long b);

    double scale(double value, float factor);

    boolean not(boolean value);

    byte nextByte(byte value);

    short nextShort(short value);

    char upper(char value);

    Integer boxed(Integer value);

    String echo(String text);

    String nullable(String text);

    int[] reverse(int[] values);

    String[] upperAll(String[] values);

    List<String> sortedList(List<String> values);

    Map<String, Integer> lengths(Set<String> words);

    Color next(Color color);

    BigDecimal total(BigDecimal price, int quantity);

    LocalDate tomorrow(LocalDate date);

    LocalDateTime plusHours(LocalDateTime time, int hours);

    Order roundTrip(Order order);

    List<Order> orders(int count);

    void failChecked(String message) throws InteropException;

    void failUnchecked(String message);

    /** Throws an exception of the named class with this message. */
    void raise(String exceptionClass, String message) throws Exception;

    /** Returns the request attachment {@code key}, and answers with the attachment {@code echo=pong}. */
    String attachment(String key);

    String identify();

    /** This provider's identity, for a call whose argument routes may look at ({@code arguments[0]}). */
    String identifyFor(String request);

    String sleep(long millis);

    void notify(String message);

    int size(byte[] data);

    enum Color { RED, GREEN, BLUE }
}
