package io.tern.dubbo;

import io.tern.core.TestServices.Person;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The services the transport tests export. */
public final class EchoServices {

    private EchoServices() {
    }

    public interface Greeter {
        String greet(String name);

        CompletableFuture<String> greetAsync(String name);

        Person older(Person person);

        List<Person> people(int count);

        Map<String, Object> echoAttachments(String key);

        String sleep(long millis) throws InterruptedException;

        void fail(String message) throws GreeterException;

        void failUnchecked(String message);

        /** Throws an exception of the named class with this message. */
        void raise(String exceptionClass, String message) throws Exception;

        int size(byte[] data);

        void notify(String message);

        String await(CountDownLatch entered, CountDownLatch release);
    }

    public static final class GreeterException extends Exception {
        private static final long serialVersionUID = 1L;

        public GreeterException(String message) {
            super(message);
        }
    }

    public static class GreeterImpl implements Greeter {
        final List<String> notified = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public String greet(String name) {
            return "Hello, " + name;
        }

        @Override
        public CompletableFuture<String> greetAsync(String name) {
            return CompletableFuture.supplyAsync(() -> "Hello, " + name);
        }

        @Override
        public Person older(Person person) {
            return new Person(person.name(), person.age() + 1, person.born());
        }

        @Override
        public List<Person> people(int count) {
            return java.util.stream.IntStream.range(0, count)
                    .mapToObj(i -> new Person("person " + i, i, LocalDate.of(2000, 1, 1).plusDays(i))).toList();
        }

        @Override
        public Map<String, Object> echoAttachments(String key) {
            return Map.of();
        }

        @Override
        public String sleep(long millis) throws InterruptedException {
            Thread.sleep(millis);
            return "slept";
        }

        @Override
        public void fail(String message) throws GreeterException {
            throw new GreeterException(message);
        }

        @Override
        public void failUnchecked(String message) {
            throw new IllegalStateException(message);
        }

        @Override
        public void raise(String exceptionClass, String message) throws Exception {
            io.tern.testing.StandardExceptions.raise(exceptionClass, message);
        }

        @Override
        public int size(byte[] data) {
            return data.length;
        }

        @Override
        public void notify(String message) {
            notified.add(message);
        }

        @Override
        public String await(CountDownLatch entered, CountDownLatch release) {
            return "unused";
        }
    }

    /** A greeter whose {@code sleep} blocks until released; {@code entered} opens when a call is inside. */
    static class BlockingGreeter extends GreeterImpl {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public String sleep(long millis) {
            entered.countDown();
            awaitQuietly(release);
            return "released";
        }
    }

    /** A greeter that records the name of the thread its last {@code greet} ran on. */
    static class ThreadRecordingGreeter extends GreeterImpl {
        final java.util.concurrent.atomic.AtomicReference<String> thread = new java.util.concurrent.atomic.AtomicReference<>();

        @Override
        public String greet(String name) {
            thread.set(Thread.currentThread().getName());
            return super.greet(name);
        }
    }

    static boolean awaitQuietly(CountDownLatch latch) {
        try {
            return latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
