package io.tern.example.boot;

import io.tern.example.User;
import io.tern.example.UserNotFoundException;
import io.tern.example.UserService;
import io.tern.example.UserServiceImpl;
import io.tern.spring.boot.TernReference;
import io.tern.spring.boot.TernService;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import tern.example.Greeter;
import tern.example.GreeterImpl;

/**
 * The example as a Spring Boot application. By default ({@code tern.role=provider}) it provides
 * {@link UserService} over dubbo and Triple, and the protobuf {@link Greeter} over Triple, with
 * {@link TernService}; with {@code --tern.role=consumer} it consumes UserService through a
 * {@link TernReference} (over Triple with {@code --tern.consumer.protocol=tri}) and serves
 * {@code GET /users/{id}} as JSON.
 */
@SpringBootApplication
public class UserApplication {

    public static void main(String[] args) {
        SpringApplication.run(UserApplication.class, args);
    }

    /** The provider: UserService 1.0.0 over dubbo and Triple on one port, exported once the application is ready. */
    @Bean
    @TernService(version = "1.0.0", protocol = "dubbo,tri")
    @ConditionalOnProperty(name = "tern.role", havingValue = "provider", matchIfMissing = true)
    UserService userService() {
        return new UserServiceImpl();
    }

    /** And the protobuf tern.example.Greeter for gRPC clients, over Triple: the one protocol that carries it. */
    @Bean
    @TernService
    @ConditionalOnProperty(name = "tern.role", havingValue = "provider", matchIfMissing = true)
    Greeter greeter() {
        return new GreeterImpl();
    }

    /** The consumer: a REST endpoint in front of the remote UserService. */
    @RestController
    @ConditionalOnProperty(name = "tern.role", havingValue = "consumer")
    public static class UserController {
        private final UserService users;

        public UserController(@TernReference(version = "1.0.0") UserService users) {
            this.users = users;
        }

        @GetMapping("/users/{id}")
        public User user(@PathVariable("id") long id) throws UserNotFoundException {
            return users.getUser(id);
        }

        @ExceptionHandler(UserNotFoundException.class)
        public ResponseEntity<Map<String, String>> notFound(UserNotFoundException e) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", String.valueOf(e.getMessage())));
        }
    }
}
