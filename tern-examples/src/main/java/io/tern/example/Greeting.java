package io.tern.example;

import java.io.Serializable;
import java.time.LocalDate;

/** A greeting, as a plain data object: a POJO that generic calls carry as a map. */
public final class Greeting implements Serializable {

    private static final long serialVersionUID = 1L;

    private String name = "";
    private String text = "";
    private LocalDate date = LocalDate.EPOCH;

    public Greeting() {
    }

    public Greeting(String name, String text, LocalDate date) {
        this.name = name;
        this.text = text;
        this.date = date;
    }

    public String name() {
        return name;
    }

    public String text() {
        return text;
    }

    public LocalDate date() {
        return date;
    }

    @Override
    public String toString() {
        return text;
    }
}
