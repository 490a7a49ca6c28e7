package io.tern.triple.internal;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.Internal;
import com.google.protobuf.Message;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The {@code .proto} files of a server's protobuf services, indexed as gRPC's server reflection
 * asks for them: by file name, by the full name of a symbol in them (service, method, message,
 * enum, extension), by an extension of a message. A service's own file is the one protoc
 * generated its messages from when that file declares the service; otherwise a file is made for
 * it ({@code <service>.tern.proto}, importing its messages' files), as a Java interface over
 * generated messages has no {@code .proto} service of its own. gRPC's health service is
 * described too. Needs protobuf-java: only made when it is present.
 */
public final class ProtoDescriptors {

    /** A protobuf method of a service: its gRPC name, its message classes, and how it streams. */
    public record Method(String name, Class<?> request, Class<?> response, boolean clientStreaming,
            boolean serverStreaming) {
    }

    private static final String HEALTH = "grpc.health.v1.Health";

    private final List<String> services;
    private final Map<String, FileDescriptor> byName = new LinkedHashMap<>();
    private final Map<String, FileDescriptor> bySymbol = new LinkedHashMap<>();
    private final Map<String, Map<Integer, FileDescriptor>> byExtension = new LinkedHashMap<>();
    /** The full names of the message types the files declare. */
    private final Set<String> messages = new java.util.HashSet<>();

    private ProtoDescriptors(List<String> services) {
        this.services = services;
    }

    /**
     * The files of {@code services} (each service's full name and its protobuf methods), and of
     * gRPC's health service. A service whose file cannot be made (a name that is no protobuf
     * name, a method whose class is not a generated message) is left out.
     */
    public static ProtoDescriptors of(Map<String, List<Method>> services) {
        List<String> names = new ArrayList<>();
        List<FileDescriptor> roots = new ArrayList<>();
        for (Map.Entry<String, List<Method>> service : services.entrySet()) {
            FileDescriptor file = serviceFile(service.getKey(), service.getValue());
            if (file != null) {
                names.add(service.getKey());
                roots.add(file);
            }
        }
        if (!services.containsKey(HEALTH)) {
            names.add(HEALTH);
            roots.add(HealthProto.FILE);
        }
        ProtoDescriptors index = new ProtoDescriptors(List.copyOf(new TreeSet<>(names)));
        roots.forEach(index::add);
        return index;
    }

    /** The names of the services described, in order. */
    public List<String> services() {
        return services;
    }

    /** The file of that name, then the files it imports, each encoded; null when there is none. */
    public @Nullable List<byte[]> fileByName(String name) {
        return closure(byName.get(name));
    }

    /** The file declaring the symbol of that full name, then the files it imports; null when none does. */
    public @Nullable List<byte[]> fileContainingSymbol(String symbol) {
        String name = symbol.startsWith(".") ? symbol.substring(1) : symbol;
        return closure(bySymbol.get(name));
    }

    /** The file declaring extension {@code number} of message {@code type}, then its imports; null when none does. */
    public @Nullable List<byte[]> fileContainingExtension(String type, int number) {
        Map<Integer, FileDescriptor> numbers = byExtension.get(type);
        return numbers == null ? null : closure(numbers.get(number));
    }

    /** The numbers of the extensions of message {@code type} the files declare; null when no file declares the type. */
    public @Nullable List<Integer> extensionNumbers(String type) {
        if (!messages.contains(type)) {
            return null;
        }
        return List.copyOf(new TreeSet<>(byExtension.getOrDefault(type, Map.of()).keySet()));
    }

    private @Nullable List<byte[]> closure(@Nullable FileDescriptor file) {
        if (file == null) {
            return null;
        }
        Set<FileDescriptor> all = new LinkedHashSet<>();
        Deque<FileDescriptor> next = new ArrayDeque<>();
        next.add(file);
        while (!next.isEmpty()) {
            FileDescriptor one = next.removeFirst();
            if (all.add(one)) {
                next.addAll(one.getDependencies());
            }
        }
        List<byte[]> encoded = new ArrayList<>(all.size());
        all.forEach(f -> encoded.add(f.toProto().toByteArray()));
        return encoded;
    }

    /** Indexes a file and every file it imports, each once. */
    private void add(FileDescriptor file) {
        if (byName.putIfAbsent(file.getName(), file) != null) {
            return;
        }
        for (ServiceDescriptor service : file.getServices()) {
            bySymbol.putIfAbsent(service.getFullName(), file);
            service.getMethods().forEach(m -> bySymbol.putIfAbsent(m.getFullName(), file));
        }
        for (Descriptor message : file.getMessageTypes()) {
            addMessage(file, message);
        }
        for (EnumDescriptor type : file.getEnumTypes()) {
            bySymbol.putIfAbsent(type.getFullName(), file);
        }
        for (FieldDescriptor extension : file.getExtensions()) {
            addExtension(file, extension);
        }
        file.getDependencies().forEach(this::add);
    }

    private void addMessage(FileDescriptor file, Descriptor message) {
        bySymbol.putIfAbsent(message.getFullName(), file);
        messages.add(message.getFullName());
        message.getNestedTypes().forEach(nested -> addMessage(file, nested));
        message.getEnumTypes().forEach(type -> bySymbol.putIfAbsent(type.getFullName(), file));
        message.getExtensions().forEach(extension -> addExtension(file, extension));
    }

    private void addExtension(FileDescriptor file, FieldDescriptor extension) {
        bySymbol.putIfAbsent(extension.getFullName(), file);
        byExtension.computeIfAbsent(extension.getContainingType().getFullName(), t -> new LinkedHashMap<>())
                .putIfAbsent(extension.getNumber(), file);
    }

    /** The file declaring a service: its messages' own when protoc generated it from there, else one made for it. */
    private static @Nullable FileDescriptor serviceFile(String serviceName, List<Method> methods) {
        int dot = serviceName.lastIndexOf('.');
        String packageName = dot < 0 ? "" : serviceName.substring(0, dot);
        String simpleName = serviceName.substring(dot + 1);
        Set<FileDescriptor> imports = new LinkedHashSet<>();
        ServiceDescriptorProto.Builder service = ServiceDescriptorProto.newBuilder().setName(simpleName);
        Set<String> seen = new LinkedHashSet<>();
        try {
            for (Method method : methods) {
                Descriptor request = descriptor(method.request());
                Descriptor response = descriptor(method.response());
                for (FileDescriptor file : List.of(request.getFile(), response.getFile())) {
                    ServiceDescriptor declared = file.findServiceByName(simpleName);
                    if (declared != null && declared.getFullName().equals(serviceName)) {
                        return file;
                    }
                    imports.add(file);
                }
                if (seen.add(method.name())) {
                    service.addMethod(MethodDescriptorProto.newBuilder().setName(method.name())
                            .setInputType("." + request.getFullName()).setOutputType("." + response.getFullName())
                            .setClientStreaming(method.clientStreaming()).setServerStreaming(method.serverStreaming()));
                }
            }
            if (seen.isEmpty()) {
                return null;
            }
            FileDescriptorProto.Builder file = FileDescriptorProto.newBuilder()
                    .setName(serviceName.replace('.', '/') + ".tern.proto").setSyntax("proto3")
                    .setPackage(packageName).addService(service);
            imports.forEach(f -> file.addDependency(f.getName()));
            return FileDescriptor.buildFrom(file.build(), imports.toArray(FileDescriptor[]::new));
        } catch (DescriptorValidationException | RuntimeException e) {
            return null;
        }
    }

    @SuppressWarnings("unchecked")
    private static Descriptor descriptor(Class<?> type) {
        Message instance = Internal.getDefaultInstance((Class<Message>) type);
        return instance.getDescriptorForType();
    }

    /** {@code grpc/health/v1/health.proto}: the messages and service Tern's health service answers as. */
    private static final class HealthProto {
        static final FileDescriptor FILE = build();

        private static FileDescriptor build() {
            DescriptorProto request = DescriptorProto.newBuilder().setName("HealthCheckRequest")
                    .addField(field("service", 1, FieldDescriptorProto.Type.TYPE_STRING, null)).build();
            EnumDescriptorProto.Builder status = EnumDescriptorProto.newBuilder().setName("ServingStatus");
            String[] statuses = {"UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"};
            for (int i = 0; i < statuses.length; i++) {
                status.addValue(EnumValueDescriptorProto.newBuilder().setName(statuses[i]).setNumber(i));
            }
            DescriptorProto response = DescriptorProto.newBuilder().setName("HealthCheckResponse")
                    .addEnumType(status)
                    .addField(field("status", 1, FieldDescriptorProto.Type.TYPE_ENUM,
                            ".grpc.health.v1.HealthCheckResponse.ServingStatus")).build();
            ServiceDescriptorProto service = ServiceDescriptorProto.newBuilder().setName("Health")
                    .addMethod(MethodDescriptorProto.newBuilder().setName("Check")
                            .setInputType(".grpc.health.v1.HealthCheckRequest")
                            .setOutputType(".grpc.health.v1.HealthCheckResponse"))
                    .addMethod(MethodDescriptorProto.newBuilder().setName("Watch")
                            .setInputType(".grpc.health.v1.HealthCheckRequest")
                            .setOutputType(".grpc.health.v1.HealthCheckResponse").setServerStreaming(true))
                    .build();
            FileDescriptorProto file = FileDescriptorProto.newBuilder().setName("grpc/health/v1/health.proto")
                    .setPackage("grpc.health.v1").setSyntax("proto3").addMessageType(request)
                    .addMessageType(response).addService(service).build();
            try {
                return FileDescriptor.buildFrom(file, new FileDescriptor[0]);
            } catch (DescriptorValidationException e) {
                throw new IllegalStateException("grpc/health/v1/health.proto: " + e.getMessage(), e);
            }
        }

        private static FieldDescriptorProto field(String name, int number, FieldDescriptorProto.Type type,
                @Nullable String typeName) {
            FieldDescriptorProto.Builder field = FieldDescriptorProto.newBuilder().setName(name).setNumber(number)
                    .setType(type).setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL).setJsonName(name);
            if (typeName != null) {
                field.setTypeName(typeName);
            }
            return field.build();
        }
    }
}
