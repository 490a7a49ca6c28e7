package io.tern.spring.boot;

import java.util.function.BiConsumer;

/** The {@code parameters = {"key=value", ...}} of Tern's annotations. */
final class AnnotationParameters {

    private AnnotationParameters() {
    }

    /**
     * Gives each {@code key=value} to {@code parameter}.
     *
     * @throws IllegalArgumentException for one without a key and an {@code =}, naming the annotation
     */
    static void apply(String annotation, String[] parameters, BiConsumer<String, String> parameter) {
        for (String entry : parameters) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(annotation + "(parameters = \"" + entry + "\") (expected: key=value)");
            }
            parameter.accept(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
        }
    }
}
