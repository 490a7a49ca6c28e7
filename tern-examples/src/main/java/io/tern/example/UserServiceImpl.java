package io.tern.example;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Makes its users up from their ids, the same way each time, so answers can be checked. */
public final class UserServiceImpl implements UserService {

    /** Users on one page of {@link #listUser}. */
    public static final int PAGE_SIZE = 15;

    @Override
    public boolean existUser(String email) {
        return email != null && !email.isEmpty() && email.charAt(email.length() - 1) != '-';
    }

    @Override
    public User getUser(long id) throws UserNotFoundException {
        if (id <= 0) {
            throw new UserNotFoundException("no user " + id + " (ids start at 1)");
        }
        return user(id);
    }

    @Override
    public Page<User> listUser(int pageNo) {
        List<User> users = new ArrayList<>(PAGE_SIZE);
        long first = (long) Math.max(pageNo, 0) * PAGE_SIZE + 1;
        for (int i = 0; i < PAGE_SIZE; i++) {
            users.add(user(first + i));
        }
        return new Page<>(pageNo, 1_000, users);
    }

    @Override
    public String echo(String text) {
        return text;
    }

    @Override
    public CompletableFuture<User> getUserAsync(long id) {
        try {
            return CompletableFuture.completedFuture(getUser(id));
        } catch (UserNotFoundException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The user with this id, as every implementation of the example makes it. */
    public static User user(long id) {
        User user = new User();
        user.setId(id);
        user.setName("Zoë Ångström 张伟 " + id);
        user.setSex((int) (id % 2));
        user.setBirthday(LocalDate.of(1990, 1, 1).plusDays(id % 10_000));
        user.setEmail("user" + id + "@example.com");
        String digits = Long.toString(10_000 + id % 10_000);
        user.setMobile("+86 138 0000 " + digits.substring(digits.length() - 4));
        user.setAddress("北京市海淀区中关村大街 " + id + " 号");
        user.setIcon("https://example.com/icons/" + id + ".png");
        user.setPermissions(List.of(1, 2, 3, 5, 8, 13));
        user.setStatus(1);
        user.setCreateTime(LocalDateTime.of(2024, 1, 1, 9, 30).plusMinutes(id));
        user.setUpdateTime(LocalDateTime.of(2026, 6, 1, 12, 0).plusMinutes(id));
        return user;
    }
}
