package io.tern.bench;

import io.tern.example.UserNotFoundException;
import io.tern.example.UserService;

/** The calls the benchmark makes, as Apache dubbo-benchmark makes them, plus a 64-byte echo. */
enum Workload {
    EXIST_USER("existUser") {
        @Override
        Object call(UserService users, long i) {
            return users.existUser(EMAILS[(int) (i & 1023)]);
        }
    },
    GET_USER("getUser") {
        @Override
        Object call(UserService users, long i) throws UserNotFoundException {
            return users.getUser(1 + (i & 1023));
        }
    },
    LIST_USER("listUser") {
        @Override
        Object call(UserService users, long i) {
            return users.listUser((int) (i & 63));
        }
    },
    ECHO("echo") {
        @Override
        Object call(UserService users, long i) {
            return users.echo(ECHO_TEXT);
        }
    };

    private static final String[] EMAILS = new String[1024];

    static {
        for (int i = 0; i < EMAILS.length; i++) {
            EMAILS[i] = "user" + i + "@example.com";
        }
    }

    /** The echo's argument: 64 bytes. */
    static final String ECHO_TEXT = "0123456789abcdef".repeat(4);

    final String method;

    Workload(String method) {
        this.method = method;
    }

    /** Makes the {@code i}th call of this workload. */
    abstract Object call(UserService users, long i) throws Exception;

    static Workload of(String method) {
        for (Workload w : values()) {
            if (w.method.equals(method)) {
                return w;
            }
        }
        throw new IllegalArgumentException("workload: " + method + " (expected: existUser, getUser, listUser or echo)");
    }
}
