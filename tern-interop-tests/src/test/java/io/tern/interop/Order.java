package io.tern.interop;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A nested DTO: an order with a customer and lines. */
public class Order implements Serializable {

    private static final long serialVersionUID = 1L;

    private long id;
    private String customer;
    private Address address;
    private List<Line> lines = new ArrayList<>();
    private LocalDate placed;
    private InteropService.Color color;

    public Order() {
    }

    public Order(long id, String customer, Address address, List<Line> lines, LocalDate placed,
            InteropService.Color color) {
        this.id = id;
        this.customer = customer;
        this.address = address;
        this.lines = new ArrayList<>(lines);
        this.placed = placed;
        this.color = color;
    }

    public long getId() {
        return id;
    }

    public String getCustomer() {
        return customer;
    }

    public List<Line> getLines() {
        return lines;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Order other && id == other.id && Objects.equals(customer, other.customer)
                && Objects.equals(address, other.address) && Objects.equals(lines, other.lines)
                && Objects.equals(placed, other.placed) && color == other.color;
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, customer, address, lines, placed, color);
    }

    /** An address. */
    public static class Address implements Serializable {
        private static final long serialVersionUID = 1L;
        private String city;
        private String street;

        public Address() {
        }

        public Address(String city, String street) {
            this.city = city;
            this.street = street;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Address a && Objects.equals(city, a.city) && Objects.equals(street, a.street);
        }

        @Override
        public int hashCode() {
            return Objects.hash(city, street);
        }
    }

    /** An order line. */
    public static class Line implements Serializable {
        private static final long serialVersionUID = 1L;
        private String item;
        private int quantity;
        private BigDecimal price;

        public Line() {
        }

        public Line(String item, int quantity, BigDecimal price) {
            this.item = item;
            this.quantity = quantity;
            this.price = price;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Line l && quantity == l.quantity && Objects.equals(item, l.item)
                    && Objects.equals(price, l.price);
        }

        @Override
        public int hashCode() {
            return Objects.hash(item, quantity, price);
        }
    }

    /** A sample order with non-ASCII text. */
    public static Order sample(long id) {
        return new Order(id, "Zoë Ångström 张伟 " + id, new Address("Zürich", "Bahnhofstraße " + id),
                List.of(new Line("tea", 2, new BigDecimal("3.50")), new Line("café", 1, new BigDecimal("4.20"))),
                LocalDate.of(2026, 11, 27).minusDays(id % 30), InteropService.Color.values()[(int) (id % 3)]);
    }
}
