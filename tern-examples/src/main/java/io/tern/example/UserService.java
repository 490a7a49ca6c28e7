package io.tern.example;

import java.util.concurrent.CompletableFuture;

/**
 * The example service, with the benchmark's workloads: a boolean answer, one mid-sized object, a
 * page of fifteen of them, and an echo.
 */
public interface UserService {

    /** Whether an e-mail address belongs to a user. */
    boolean existUser(String email);

    /**
     * The user with this id.
     *
     * @throws UserNotFoundException when there is none (ids are positive)
     */
    User getUser(long id) throws UserNotFoundException;

    /** The {@code pageNo}th page of users, fifteen to a page. */
    Page<User> listUser(int pageNo);

    /** Its argument, unchanged. */
    String echo(String text);

    /** {@link #getUser} without waiting. */
    CompletableFuture<User> getUserAsync(long id);
}
