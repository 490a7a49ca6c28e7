package io.tern.core;

import java.io.Serializable;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Service interfaces and implementations the core tests call. */
public final class TestServices {

    private TestServices() {
    }

    public interface Greeter {
        String greet(String name);

        CompletableFuture<String> greetAsync(String name);

        int length(String s);

        void fail(String message) throws GreeterException;

        void failUnchecked(String message);

        void failUndeclared(String message);

        String await(CountDownLatch entered, CountDownLatch release) throws InterruptedException;

        Person older(Person person, int years);

        List<Person> family(String surname);

        Map<String, Integer> counts(List<String> words);

        Person[] people(Person[] people);

        Color color(String name);

        String describe(Person person);

        String describe(Person person, String prefix);
    }

    public enum Color { RED, GREEN }

    public static final class GreeterException extends Exception {
        private static final long serialVersionUID = 1L;

        public GreeterException(String message) {
            super(message);
        }
    }

    public static class Person implements Serializable {
        private static final long serialVersionUID = 1L;
        private String name;
        private int age;
        private LocalDate born;
        private Person partner;

        public Person() {
        }

        public Person(String name, int age, LocalDate born) {
            this.name = name;
            this.age = age;
            this.born = born;
        }

        public String name() {
            return name;
        }

        public int age() {
            return age;
        }

        public LocalDate born() {
            return born;
        }

        public Person partner() {
            return partner;
        }

        public void partner(Person partner) {
            this.partner = partner;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Person p && age == p.age && Objects.equals(name, p.name) && Objects.equals(born, p.born);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, age, born);
        }
    }

    public static final class Employee extends Person {
        private static final long serialVersionUID = 1L;
        private String company;

        public Employee() {
        }

        public Employee(String name, int age, LocalDate born, String company) {
            super(name, age, born);
            this.company = company;
        }

        public String company() {
            return company;
        }
    }

    public static class GreeterImpl implements Greeter {
        @Override
        public String greet(String name) {
            return "Hello, " + name;
        }

        @Override
        public CompletableFuture<String> greetAsync(String name) {
            return CompletableFuture.supplyAsync(() -> "Hello, " + name);
        }

        @Override
        public int length(String s) {
            return s.length();
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
        @SuppressWarnings("unchecked")
        public void failUndeclared(String message) {
            TestServices.<RuntimeException>sneakyThrow(new java.io.IOException(message));
        }

        @Override
        public String await(CountDownLatch entered, CountDownLatch release) throws InterruptedException {
            entered.countDown();
            if (!release.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
            return "released";
        }

        @Override
        public Person older(Person person, int years) {
            return new Person(person.name(), person.age() + years, person.born());
        }

        @Override
        public List<Person> family(String surname) {
            return List.of(new Person("Ada " + surname, 36, LocalDate.of(1815, 12, 10)),
                    new Employee("Byron " + surname, 36, LocalDate.of(1788, 1, 22), "House of Lords"));
        }

        @Override
        public Map<String, Integer> counts(List<String> words) {
            return Map.of("words", words.size());
        }

        @Override
        public Person[] people(Person[] people) {
            return people;
        }

        @Override
        public Color color(String name) {
            return Color.valueOf(name);
        }

        @Override
        public String describe(Person person) {
            return person.getClass().getSimpleName() + " " + person.name() + " " + person.age()
                    + (person instanceof Employee e ? " at " + e.company() : "");
        }

        @Override
        public String describe(Person person, String prefix) {
            return prefix + describe(person);
        }
    }

    @SuppressWarnings("unchecked")
    static <E extends Throwable> void sneakyThrow(Throwable t) throws E {
        throw (E) t;
    }
}
