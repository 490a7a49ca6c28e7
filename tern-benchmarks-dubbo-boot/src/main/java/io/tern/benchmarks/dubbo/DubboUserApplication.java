package io.tern.benchmarks.dubbo;

import io.tern.example.Page;
import io.tern.example.User;
import io.tern.example.UserNotFoundException;
import io.tern.example.UserService;
import io.tern.example.UserServiceImpl;
import java.util.concurrent.CompletableFuture;
import org.apache.dubbo.config.annotation.DubboService;
import org.apache.dubbo.config.spring.context.annotation.EnableDubbo;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The example's provider as a Dubbo user writes it with Dubbo's own starter. */
@SpringBootApplication
@EnableDubbo
public class DubboUserApplication {

    public static void main(String[] args) {
        SpringApplication.run(DubboUserApplication.class, args);
    }

    @DubboService(version = "1.0.0")
    public static class UserServiceBean implements UserService {
        private final UserService users = new UserServiceImpl();

        @Override
        public boolean existUser(String email) {
            return users.existUser(email);
        }

        @Override
        public User getUser(long id) throws UserNotFoundException {
            return users.getUser(id);
        }

        @Override
        public Page<User> listUser(int pageNo) {
            return users.listUser(pageNo);
        }

        @Override
        public String echo(String text) {
            return users.echo(text);
        }

        @Override
        public CompletableFuture<User> getUserAsync(long id) {
            return users.getUserAsync(id);
        }
    }
}
