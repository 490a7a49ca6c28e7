package io.tern;

import static java.util.Objects.requireNonNull;

import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * Which classes a peer may make us instantiate. Strict by default: a class is allowed when it is
 * reachable from the signatures of the service interfaces added with {@link #allowInterface}
 * (parameter, result and exception types, their generic arguments, and the fields of those
 * classes, recursively), is one of the standard value types (boxed primitives, strings, numbers,
 * {@code java.time}, collections, common JDK exceptions), or was added by name or package.
 * Classes in the block-list — the known deserialization gadget families — are refused whatever
 * else says, and are never added by reachability.
 *
 * <p>Every path from a peer's bytes to a class goes through one policy, consulted with the class
 * name before anything loads the class: Hessian2 type names, the {@code "class"} entries of
 * generic calls' maps, JSON type ids, whatever the protocol. A refusal reads the same on every
 * path ({@link #refusal}). The policy grows as services are exported and referred and is shared
 * by the protocols of a server or client; it is thread-safe.
 */
public final class ClassPolicy {

    /**
     * Gadget packages no configuration can allow: a class is blocked when its name starts with one
     * of these, each ending in its dot so that a package never matches a longer name.
     */
    private static final List<String> BLOCKED_PACKAGES = List.of(
            "bsh.", "ch.qos.logback.core.db.", "clojure.", "com.caucho.", "com.mchange.",
            "com.rometools.rome.feed.", "com.sun.", "groovy.lang.", "java.lang.reflect.", "java.lang.invoke.",
            "java.rmi.", "java.beans.", "javassist.", "javax.imageio.", "javax.management.",
            "javax.naming.", "javax.script.", "javax.sound.", "javax.swing.", "javax.xml.", "jdk.", "net.bytebuddy.",
            "ognl.", "org.apache.bcel.", "org.apache.commons.beanutils.", "org.apache.commons.codec.",
            "org.apache.commons.collections.functors.", "org.apache.commons.collections4.functors.",
            "org.apache.commons.configuration.", "org.apache.commons.dbcp.", "org.apache.ibatis.", "org.apache.log4j.",
            "org.apache.logging.log4j.", "org.apache.myfaces.", "org.apache.tomcat.", "org.apache.wicket.",
            "org.apache.xalan.", "org.apache.xbean.", "org.aspectj.", "org.codehaus.groovy.runtime.", "org.dom4j.",
            "org.hibernate.", "org.jboss.", "org.junit.", "org.mockito.", "org.mozilla.javascript.",
            "org.springframework.", "org.thymeleaf.", "sun.");

    /**
     * Classes outside those packages that run code or reach the system when made; blocked by
     * exact name, and so are their nested classes ({@code java.lang.ProcessBuilder$Redirect}).
     */
    private static final Set<String> BLOCKED_CLASSES = Set.of(
            "java.lang.Runtime", "java.lang.ProcessBuilder", "java.lang.Process", "java.lang.ProcessHandle",
            "java.lang.Class", "java.lang.ClassLoader", "java.lang.ClassValue", "java.lang.Module",
            "java.lang.ModuleLayer", "java.lang.System", "java.lang.Thread", "java.lang.ThreadGroup",
            "java.lang.SecurityManager", "java.net.URLClassLoader", "java.security.SecureClassLoader",
            "java.util.ServiceLoader", "java.util.Timer", "java.net.Socket", "java.net.ServerSocket",
            "java.net.DatagramSocket", "java.net.MulticastSocket");

    /** Standard value types, by exact name. */
    private static final Set<String> STANDARD = Set.of(
            "java.lang.Object", "java.lang.String", "java.lang.Boolean", "java.lang.Byte", "java.lang.Short",
            "java.lang.Integer", "java.lang.Long", "java.lang.Float", "java.lang.Double", "java.lang.Character",
            "java.lang.Number", "java.lang.Void", "java.lang.StackTraceElement", "java.lang.Enum",
            "java.math.BigDecimal", "java.math.BigInteger", "java.util.Date", "java.util.UUID", "java.util.Locale",
            "java.util.Currency", "java.util.BitSet", "java.util.Calendar", "java.util.GregorianCalendar",
            "java.sql.Date", "java.sql.Time", "java.sql.Timestamp", "java.util.Optional",
            "java.util.ArrayList", "java.util.LinkedList", "java.util.Vector", "java.util.ArrayDeque",
            "java.util.HashMap", "java.util.LinkedHashMap", "java.util.TreeMap", "java.util.Hashtable",
            "java.util.concurrent.ConcurrentHashMap", "java.util.concurrent.ConcurrentSkipListMap",
            "java.util.concurrent.CopyOnWriteArrayList", "java.util.HashSet", "java.util.LinkedHashSet",
            "java.util.TreeSet", "java.util.EnumMap", "java.util.EnumSet", "java.util.Arrays$ArrayList",
            "java.util.Collections$EmptyList", "java.util.Collections$EmptyMap", "java.util.Collections$EmptySet",
            "java.util.Collections$SingletonList", "java.util.Collections$SingletonMap",
            "java.util.Collections$SingletonSet", "java.util.Collections$UnmodifiableList",
            "java.util.Collections$UnmodifiableRandomAccessList", "java.util.Collections$UnmodifiableCollection",
            "java.util.Collections$UnmodifiableMap", "java.util.Collections$UnmodifiableSet",
            "java.util.Collections$UnmodifiableSortedMap", "java.util.Collections$UnmodifiableSortedSet",
            "java.util.Collections$SynchronizedList", "java.util.Collections$SynchronizedRandomAccessList",
            "java.util.ImmutableCollections$List12", "java.util.ImmutableCollections$ListN",
            "java.util.ImmutableCollections$Set12", "java.util.ImmutableCollections$SetN",
            "java.util.ImmutableCollections$Map1", "java.util.ImmutableCollections$MapN",
            "java.util.ImmutableCollections$SubList",
            // Common JDK exceptions, so a service's failures can reach its callers.
            "java.lang.Throwable", "java.lang.Exception", "java.lang.RuntimeException", "java.lang.Error",
            "java.lang.IllegalArgumentException", "java.lang.IllegalStateException", "java.lang.NullPointerException",
            "java.lang.UnsupportedOperationException", "java.lang.IndexOutOfBoundsException",
            "java.lang.ArrayIndexOutOfBoundsException", "java.lang.StringIndexOutOfBoundsException",
            "java.lang.ClassCastException", "java.lang.ArithmeticException", "java.lang.NumberFormatException",
            "java.lang.SecurityException", "java.lang.InterruptedException", "java.lang.CloneNotSupportedException",
            "java.lang.AssertionError", "java.lang.StackOverflowError", "java.lang.OutOfMemoryError",
            "java.lang.NoSuchMethodException", "java.lang.ClassNotFoundException",
            "java.util.NoSuchElementException", "java.util.ConcurrentModificationException",
            "java.util.concurrent.TimeoutException", "java.util.concurrent.ExecutionException",
            "java.util.concurrent.CancellationException", "java.util.concurrent.CompletionException",
            "java.util.concurrent.RejectedExecutionException", "java.io.IOException", "java.io.UncheckedIOException",
            "java.io.FileNotFoundException", "java.io.EOFException", "java.time.DateTimeException",
            "java.time.format.DateTimeParseException", "io.tern.RpcException", "io.tern.RpcStatus",
            "io.tern.GenericException");

    /** Packages whose classes are plain values with no behaviour to abuse. */
    private static final List<String> STANDARD_PREFIXES = List.of(
            "java.time.", "com.alibaba.com.caucho.hessian.io.java8.");

    /** Hessian's own value handles, by exact name. */
    private static final Set<String> HESSIAN_HANDLES = Set.of(
            "com.alibaba.com.caucho.hessian.io.BigDecimalDeserializer",
            "com.alibaba.com.caucho.hessian.io.BitSetHandle", "com.alibaba.com.caucho.hessian.io.ByteHandle",
            "com.alibaba.com.caucho.hessian.io.CalendarHandle", "com.alibaba.com.caucho.hessian.io.FloatHandle",
            "com.alibaba.com.caucho.hessian.io.LocaleHandle", "com.alibaba.com.caucho.hessian.io.ShortHandle",
            "com.alibaba.com.caucho.hessian.io.EnumSetHandler");

    private final Set<String> allowed = ConcurrentHashMap.newKeySet();
    private final List<String> allowedPrefixes = new CopyOnWriteArrayList<>();
    /**
     * Names found allowed, so that each message's class definitions cost one lookup rather than a
     * walk of the block-list. Allowing only ever grows, so an answer once yes stays yes; refusals
     * are not remembered, so hostile names cannot grow it.
     */
    private final Set<String> knownAllowed = ConcurrentHashMap.newKeySet();
    /** How many allowed names are remembered at most; caches keyed by allowed names use the same bound. */
    public static final int MAX_REMEMBERED = 4096;
    private final Set<Class<?>> walked = ConcurrentHashMap.newKeySet();
    /** Records allowed by reachability that travel under another class's name ({@link WireName}), by that name. */
    private final Map<String, Class<?>> byWireName = new ConcurrentHashMap<>();

    private ClassPolicy() {
    }

    /** A policy that allows the standard value types only, until interfaces and classes are added. */
    public static ClassPolicy strict() {
        return new ClassPolicy();
    }

    /** Whether a class name, or a package prefix ending in its dot, falls in the block-list. */
    public static boolean isBlocked(String className) {
        int nested = className.indexOf('$');
        if (BLOCKED_CLASSES.contains(nested < 0 ? className : className.substring(0, nested))) {
            return true;
        }
        return startsWithAny(className, BLOCKED_PACKAGES);
    }

    /**
     * The classes every policy allows without configuration: the standard value types, the
     * common JDK exceptions among them, and Tern's own exceptions.
     */
    public static Set<String> standardClassNames() {
        return STANDARD;
    }

    /** Allows the classes reachable from a service interface's signatures. Idempotent. */
    public ClassPolicy allowInterface(Class<?> serviceInterface) {
        requireNonNull(serviceInterface, "serviceInterface");
        if (!walked.add(serviceInterface)) {
            return this;
        }
        for (Method m : serviceInterface.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            for (Type t : m.getGenericParameterTypes()) {
                walk(t);
            }
            walk(m.getGenericReturnType());
            for (Type t : m.getGenericExceptionTypes()) {
                walk(t);
            }
        }
        return this;
    }

    /**
     * Allows one class, and what its fields reach.
     *
     * @throws IllegalArgumentException if the class is block-listed
     */
    public ClassPolicy allowClass(Class<?> type) {
        requireNonNull(type, "type");
        if (isBlocked(type.getName())) {
            throw new IllegalArgumentException("class: " + type.getName() + " is block-listed (expected: a class"
                    + " outside the known deserialization gadget families)");
        }
        walk(type);
        return this;
    }

    /**
     * Allows every class whose name starts with this prefix ({@code com.example.dto.}), except
     * block-listed ones.
     */
    public ClassPolicy allowPackage(String prefix) {
        requireNonNull(prefix, "prefix");
        if (prefix.isEmpty() || !prefix.endsWith(".")) {
            throw new IllegalArgumentException("package prefix: '" + prefix + "' (expected: a package name ending in '.')");
        }
        if (isBlocked(prefix)) {
            throw new IllegalArgumentException("package prefix: '" + prefix + "' is block-listed");
        }
        allowedPrefixes.add(prefix);
        return this;
    }

    /**
     * The allowed class a peer's name stands for when it is not the class's own: a record
     * reachable from the service interfaces that travels under the {@link WireName} it carries
     * (Tern's metadata records under Apache Dubbo's class names). Null for any other name, which
     * is then loaded, if allowed, under its own.
     */
    public @Nullable Class<?> wireClass(String className) {
        return byWireName.get(className);
    }

    /** Whether a peer may make us load and instantiate this class. */
    public boolean isAllowed(String className) {
        if (knownAllowed.contains(className)) {
            return true;
        }
        if (isBlocked(className)) {
            return false;
        }
        if (STANDARD.contains(className) || allowed.contains(className) || HESSIAN_HANDLES.contains(className)
                || startsWithAny(className, STANDARD_PREFIXES) || startsWithAny(className, allowedPrefixes)) {
            if (knownAllowed.size() < MAX_REMEMBERED) {
                knownAllowed.add(className); // bounded: names under an allowed package are the peer's to invent
            }
            return true;
        }
        return false;
    }

    private static boolean startsWithAny(String className, List<String> prefixes) {
        for (String prefix : prefixes) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Checks a class name; returns normally when allowed.
     *
     * @throws RpcException with status {@link RpcStatus#FORBIDDEN}, naming the class
     */
    public void check(String className) {
        if (!isAllowed(className)) {
            throw refusal(className);
        }
    }

    /**
     * The refusal of a class name: {@link RpcStatus#FORBIDDEN}, naming the class and why. Also
     * what a path answers for a name it cannot load, so that a peer cannot tell a class that does
     * not exist from one it may not have.
     */
    public static RpcException refusal(String className) {
        String why = isBlocked(className) ? " is block-listed (expected: a class outside the known"
                + " deserialization gadget families)"
                : " is not allowed (expected: a class reachable from the service interfaces, a standard value type,"
                + " or one allowed by configuration)";
        return new RpcException(RpcStatus.FORBIDDEN, "class: " + className + why);
    }

    /** How many names are remembered as allowed; never more than {@link #MAX_REMEMBERED}. */
    public int rememberedCount() {
        return knownAllowed.size();
    }

    private void walk(@Nullable Type type) {
        if (type == null) {
            return;
        }
        if (type instanceof Class<?> c) {
            walkClass(c);
        } else if (type instanceof ParameterizedType p) {
            walk(p.getRawType());
            for (Type arg : p.getActualTypeArguments()) {
                walk(arg);
            }
        } else if (type instanceof GenericArrayType g) {
            walk(g.getGenericComponentType());
        } else if (type instanceof WildcardType w) {
            for (Type bound : w.getUpperBounds()) {
                walk(bound);
            }
            for (Type bound : w.getLowerBounds()) {
                walk(bound);
            }
        } else if (type instanceof TypeVariable<?> v) {
            for (Type bound : v.getBounds()) {
                walk(bound);
            }
        }
    }

    private void walkClass(Class<?> type) {
        Class<?> c = type;
        while (c.isArray()) {
            c = c.getComponentType();
        }
        if (c.isPrimitive() || c == Object.class || c == CompletionStage.class
                || c == java.util.concurrent.CompletableFuture.class) {
            return;
        }
        String name = c.getName();
        if (isBlocked(name) || !allowed.add(name)) {
            return;
        }
        if (name.startsWith("java.") || name.startsWith("javax.") || c.isInterface()) {
            return; // JDK types: the class itself, not its internals
        }
        WireName wireName = c.getAnnotation(WireName.class);
        if (wireName != null && c.isRecord() && !isBlocked(wireName.value())) {
            byWireName.putIfAbsent(wireName.value(), c);
        }
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            allowed.add(k.getName());
            if (k.getName().startsWith("java.")) {
                break; // a JDK superclass (an exception, say): the class itself, not its internals
            }
            for (Field f : k.getDeclaredFields()) {
                int mod = f.getModifiers();
                if (!Modifier.isStatic(mod) && !Modifier.isTransient(mod)) {
                    walk(f.getGenericType());
                }
            }
        }
    }
}
