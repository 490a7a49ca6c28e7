package io.tern.serialization;

import java.lang.invoke.MethodHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Queue;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.Vector;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * The collections and maps the reader builds. A Hessian list or map names its Java type (or
 * none); the names of the JDK's collections become the matching standard collection — the JDK's
 * unmodifiable and immutable ones become a modifiable one of the same kind — without loading
 * the class the peer named, and a type the reader expects (a field's or parameter's) wins where
 * the named one would not fit it. Any other name is a class the policy must allow.
 */
final class Containers {

    private Containers() {
    }

    /** How a list is collected. */
    interface CollectionKind {
        Collection<Object> create(int length);

        /** Whether elements are read as set elements (no lists, maps or back-references in them). */
        boolean isSet();

        /** Whether the collection may be referred to while its elements are read. */
        default boolean sharedWhileRead() {
            return true;
        }

        default Collection<Object> finish(Collection<Object> collected) {
            return collected;
        }
    }

    /** How a map is collected. */
    interface MapKind {
        Map<Object, Object> create();
    }

    private enum Standard implements CollectionKind {
        ARRAY_LIST(ArrayList.class, false) {
            @Override
            public Collection<Object> create(int length) {
                return new ArrayList<>(Math.max(length, 0));
            }
        },
        LINKED_LIST(LinkedList.class, false) {
            @Override
            public Collection<Object> create(int length) {
                return new LinkedList<>();
            }
        },
        VECTOR(Vector.class, false) {
            @Override
            public Collection<Object> create(int length) {
                return new Vector<>(Math.max(length, 1));
            }
        },
        ARRAY_DEQUE(ArrayDeque.class, false) {
            @Override
            public Collection<Object> create(int length) {
                return new ArrayDeque<>(Math.max(length, 1));
            }
        },
        COPY_ON_WRITE(CopyOnWriteArrayList.class, false) {
            @Override
            public Collection<Object> create(int length) {
                return new ArrayList<>(Math.max(length, 0));
            }

            @Override
            public boolean sharedWhileRead() {
                return false; // collected in a plain list first: adding to it one by one is quadratic
            }

            @Override
            public Collection<Object> finish(Collection<Object> collected) {
                return new CopyOnWriteArrayList<>(collected);
            }
        },
        HASH_SET(HashSet.class, true) {
            @Override
            public Collection<Object> create(int length) {
                return new HashSet<>();
            }
        },
        LINKED_HASH_SET(LinkedHashSet.class, true) {
            @Override
            public Collection<Object> create(int length) {
                return new LinkedHashSet<>();
            }
        },
        TREE_SET(TreeSet.class, true) {
            @Override
            public Collection<Object> create(int length) {
                return new TreeSet<>();
            }
        };

        final Class<?> type;
        final boolean set;

        Standard(Class<?> type, boolean set) {
            this.type = type;
            this.set = set;
        }

        @Override
        public boolean isSet() {
            return set;
        }
    }

    private enum StandardMap implements MapKind {
        HASH_MAP(HashMap.class) {
            @Override
            public Map<Object, Object> create() {
                return new HashMap<>();
            }
        },
        LINKED_HASH_MAP(LinkedHashMap.class) {
            @Override
            public Map<Object, Object> create() {
                return new LinkedHashMap<>();
            }
        },
        TREE_MAP(TreeMap.class) {
            @Override
            public Map<Object, Object> create() {
                return new TreeMap<>();
            }
        },
        HASHTABLE(Hashtable.class) {
            @Override
            public Map<Object, Object> create() {
                return new Hashtable<>();
            }
        },
        CONCURRENT_HASH_MAP(ConcurrentHashMap.class) {
            @Override
            public Map<Object, Object> create() {
                return new ConcurrentHashMap<>();
            }
        },
        SKIP_LIST_MAP(ConcurrentSkipListMap.class) {
            @Override
            public Map<Object, Object> create() {
                return new ConcurrentSkipListMap<>();
            }
        };

        final Class<?> type;

        StandardMap(Class<?> type) {
            this.type = type;
        }
    }

    private static final Map<String, Standard> COLLECTIONS = new HashMap<>();
    private static final Map<String, StandardMap> MAPS = new HashMap<>();

    static {
        for (String name : List.of("java.util.ArrayList", "java.util.Arrays$ArrayList", "java.util.AbstractList",
                "java.util.Collections$EmptyList", "java.util.Collections$SingletonList",
                "java.util.Collections$UnmodifiableList", "java.util.Collections$UnmodifiableRandomAccessList",
                "java.util.Collections$UnmodifiableCollection", "java.util.Collections$SynchronizedList",
                "java.util.Collections$SynchronizedRandomAccessList", "java.util.Collections$SynchronizedCollection",
                "java.util.ImmutableCollections$List12", "java.util.ImmutableCollections$ListN",
                "java.util.ImmutableCollections$SubList")) {
            COLLECTIONS.put(name, Standard.ARRAY_LIST);
        }
        COLLECTIONS.put("java.util.LinkedList", Standard.LINKED_LIST);
        COLLECTIONS.put("java.util.Vector", Standard.VECTOR);
        COLLECTIONS.put("java.util.ArrayDeque", Standard.ARRAY_DEQUE);
        COLLECTIONS.put("java.util.concurrent.CopyOnWriteArrayList", Standard.COPY_ON_WRITE);
        COLLECTIONS.put("java.util.HashSet", Standard.HASH_SET);
        for (String name : List.of("java.util.LinkedHashSet", "java.util.Collections$EmptySet",
                "java.util.Collections$SingletonSet", "java.util.Collections$UnmodifiableSet",
                "java.util.Collections$SynchronizedSet", "java.util.ImmutableCollections$Set12",
                "java.util.ImmutableCollections$SetN")) {
            COLLECTIONS.put(name, Standard.LINKED_HASH_SET);
        }
        COLLECTIONS.put("java.util.TreeSet", Standard.TREE_SET);
        COLLECTIONS.put("java.util.Collections$UnmodifiableSortedSet", Standard.TREE_SET);
        COLLECTIONS.put("java.util.Collections$UnmodifiableNavigableSet", Standard.TREE_SET);

        for (String name : List.of("java.util.HashMap", "java.util.EnumMap", "java.util.Collections$EmptyMap",
                "java.util.Collections$SingletonMap", "java.util.Collections$UnmodifiableMap",
                "java.util.Collections$SynchronizedMap", "java.util.ImmutableCollections$Map1",
                "java.util.ImmutableCollections$MapN")) {
            MAPS.put(name, StandardMap.HASH_MAP);
        }
        MAPS.put("java.util.LinkedHashMap", StandardMap.LINKED_HASH_MAP);
        MAPS.put("java.util.TreeMap", StandardMap.TREE_MAP);
        MAPS.put("java.util.Collections$UnmodifiableSortedMap", StandardMap.TREE_MAP);
        MAPS.put("java.util.Collections$UnmodifiableNavigableMap", StandardMap.TREE_MAP);
        MAPS.put("java.util.Hashtable", StandardMap.HASHTABLE);
        MAPS.put("java.util.concurrent.ConcurrentHashMap", StandardMap.CONCURRENT_HASH_MAP);
        MAPS.put("java.util.concurrent.ConcurrentSkipListMap", StandardMap.SKIP_LIST_MAP);
    }

    static boolean isStandardMap(String type) {
        return MAPS.containsKey(type);
    }

    /** The collection a list of this type name becomes where {@code expected} is expected. */
    static CollectionKind collectionFor(@Nullable String type, Class<?> expected, ObjectReaders readers) {
        CollectionKind named = null;
        Class<?> namedType = null;
        if (type != null && !type.isEmpty() && type.charAt(0) != '[') {
            Standard standard = COLLECTIONS.get(type);
            if (standard != null) {
                named = standard;
                namedType = standard.type;
            } else {
                Custom custom = readers.customCollection(type);
                named = custom;
                namedType = custom.type;
            }
        }
        if (named != null && namedType != null && expected.isAssignableFrom(namedType)) {
            return named;
        }
        return forExpected(expected, readers);
    }

    private static CollectionKind forExpected(Class<?> expected, ObjectReaders readers) {
        if (expected == Object.class || expected == List.class || expected == Collection.class
                || expected == Iterable.class || expected == ArrayList.class || expected.isAssignableFrom(ArrayList.class)
                        && !Set.class.isAssignableFrom(expected) && !Queue.class.isAssignableFrom(expected)) {
            return Standard.ARRAY_LIST;
        }
        if (expected == SortedSet.class || expected == NavigableSet.class) {
            return Standard.TREE_SET;
        }
        if (expected == Set.class) {
            return Standard.HASH_SET;
        }
        if (expected == Queue.class || expected == Deque.class) {
            return Standard.ARRAY_DEQUE;
        }
        for (Standard standard : Standard.values()) {
            if (standard.type == expected) {
                return standard;
            }
        }
        if (Collection.class.isAssignableFrom(expected)) {
            return readers.customCollection(expected.getName());
        }
        throw new io.tern.RpcException(io.tern.RpcStatus.SERIALIZATION, "hessian2: a list where a "
                + expected.getName() + " was expected");
    }

    /** The map a map of this type name becomes where {@code expected} is expected. */
    static MapKind mapFor(@Nullable String type, Class<?> expected, ObjectReaders readers) {
        MapKind named = null;
        Class<?> namedType = null;
        if (type != null && !type.isEmpty()) {
            StandardMap standard = MAPS.get(type);
            if (standard != null) {
                named = standard;
                namedType = standard.type;
            } else {
                CustomMap custom = readers.customMap(type);
                named = custom;
                namedType = custom.type;
            }
        }
        if (named != null && namedType != null && expected.isAssignableFrom(namedType)) {
            return named;
        }
        if (expected == Object.class || expected == Map.class || expected.isAssignableFrom(HashMap.class)) {
            return StandardMap.HASH_MAP;
        }
        if (expected == SortedMap.class || expected == NavigableMap.class) {
            return StandardMap.TREE_MAP;
        }
        if (expected == ConcurrentMap.class) {
            return StandardMap.CONCURRENT_HASH_MAP;
        }
        if (expected == ConcurrentNavigableMap.class) {
            return StandardMap.SKIP_LIST_MAP;
        }
        for (StandardMap standard : StandardMap.values()) {
            if (standard.type == expected) {
                return standard;
            }
        }
        if (Map.class.isAssignableFrom(expected)) {
            return readers.customMap(expected.getName());
        }
        throw new io.tern.RpcException(io.tern.RpcStatus.SERIALIZATION, "hessian2: a map where a "
                + expected.getName() + " was expected");
    }

    /** An allowed collection class of the application's, made by its public no-argument constructor. */
    record Custom(Class<?> type, MethodHandle constructor, boolean isSet) implements CollectionKind {
        @Override
        @SuppressWarnings("unchecked") // the class was checked to be a Collection when this was made
        public Collection<Object> create(int length) {
            try {
                return (Collection<Object>) constructor.invoke();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** An allowed map class of the application's, made by its public no-argument constructor. */
    record CustomMap(Class<?> type, MethodHandle constructor) implements MapKind {
        @Override
        @SuppressWarnings("unchecked") // the class was checked to be a Map when this was made
        public Map<Object, Object> create() {
            try {
                return (Map<Object, Object>) constructor.invoke();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
