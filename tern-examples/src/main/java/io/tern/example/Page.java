package io.tern.example;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * One page of a longer list.
 *
 * @param <T> the items' type
 */
public final class Page<T> implements Serializable {

    private static final long serialVersionUID = 1L;

    private int pageNo;
    private int total;
    private List<T> result = new ArrayList<>();

    public Page() {
    }

    public Page(int pageNo, int total, List<T> result) {
        this.pageNo = pageNo;
        this.total = total;
        this.result = result;
    }

    public int getPageNo() {
        return pageNo;
    }

    public void setPageNo(int pageNo) {
        this.pageNo = pageNo;
    }

    public int getTotal() {
        return total;
    }

    public void setTotal(int total) {
        this.total = total;
    }

    public List<T> getResult() {
        return result;
    }

    public void setResult(List<T> result) {
        this.result = result;
    }

    @Override
    public String toString() {
        return "Page[" + pageNo + ", " + result.size() + " of " + total + "]";
    }
}
