package io.tern.example;

import java.io.Serializable;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A user, the benchmark's mid-sized object: a dozen fields, text that is not ASCII, and dates. A
 * JavaBean, so that generic calls on Tern and Apache Dubbo both carry it as a map.
 */
public final class User implements Serializable {

    private static final long serialVersionUID = 1L;

    private long id;
    private String name = "";
    private int sex;
    private LocalDate birthday = LocalDate.EPOCH;
    private String email = "";
    private String mobile = "";
    private String address = "";
    private String icon = "";
    private List<Integer> permissions = new ArrayList<>();
    private int status;
    private LocalDateTime createTime = LocalDateTime.MIN;
    private LocalDateTime updateTime = LocalDateTime.MIN;

    public User() {
    }

    public long getId() {
        return id;
    }

    public void setId(long id) {
        this.id = id;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public int getSex() {
        return sex;
    }

    public void setSex(int sex) {
        this.sex = sex;
    }

    public LocalDate getBirthday() {
        return birthday;
    }

    public void setBirthday(LocalDate birthday) {
        this.birthday = birthday;
    }

    public String getEmail() {
        return email;
    }

    public void setEmail(String email) {
        this.email = email;
    }

    public String getMobile() {
        return mobile;
    }

    public void setMobile(String mobile) {
        this.mobile = mobile;
    }

    public String getAddress() {
        return address;
    }

    public void setAddress(String address) {
        this.address = address;
    }

    public String getIcon() {
        return icon;
    }

    public void setIcon(String icon) {
        this.icon = icon;
    }

    public List<Integer> getPermissions() {
        return permissions;
    }

    public void setPermissions(List<Integer> permissions) {
        this.permissions = permissions;
    }

    public int getStatus() {
        return status;
    }

    public void setStatus(int status) {
        this.status = status;
    }

    public LocalDateTime getCreateTime() {
        return createTime;
    }

    public void setCreateTime(LocalDateTime createTime) {
        this.createTime = createTime;
    }

    public LocalDateTime getUpdateTime() {
        return updateTime;
    }

    public void setUpdateTime(LocalDateTime updateTime) {
        this.updateTime = updateTime;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof User u && id == u.id && sex == u.sex && status == u.status && name.equals(u.name)
                && birthday.equals(u.birthday) && email.equals(u.email) && mobile.equals(u.mobile)
                && address.equals(u.address) && icon.equals(u.icon) && permissions.equals(u.permissions)
                && createTime.equals(u.createTime) && updateTime.equals(u.updateTime);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, name, email);
    }

    @Override
    public String toString() {
        return "User[" + id + ", " + name + "]";
    }
}
