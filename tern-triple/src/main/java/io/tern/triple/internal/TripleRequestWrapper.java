package io.tern.triple.internal;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * The message a call of a plain Java interface travels in over Triple
 * ({@code org.apache.dubbo.triple.TripleRequestWrapper}): the serialization's name
 * ({@code hessian4} for Hessian2), each argument serialized on its own, and the arguments' Java
 * types, which pick among overloads.
 *
 * @param serializeType field 1
 * @param args field 2, one serialized argument each
 * @param argTypes field 3, Java class names ({@code java.lang.String}, {@code long})
 */
public record TripleRequestWrapper(String serializeType, List<byte[]> args, List<String> argTypes) {

    public TripleRequestWrapper {
        requireNonNull(serializeType, "serializeType");
        args = List.copyOf(args);
        argTypes = List.copyOf(argTypes);
    }

    public byte[] encode() {
        int size = serializeType.length() + 8;
        for (byte[] arg : args) {
            size += arg.length + 6;
        }
        ProtobufWriter out = new ProtobufWriter(size);
        if (!serializeType.isEmpty()) {
            out.writeString(1, serializeType);
        }
        for (byte[] arg : args) {
            out.writeBytes(2, arg);
        }
        for (String type : argTypes) {
            out.writeString(3, type);
        }
        return out.toByteArray();
    }

    /**
     * Decodes one message.
     *
     * @throws IllegalArgumentException naming what in it was wrong
     */
    public static TripleRequestWrapper decode(byte[] message) {
        ProtobufReader in = new ProtobufReader(message, "TripleRequestWrapper");
        String serializeType = "";
        List<byte[]> args = new ArrayList<>();
        List<String> argTypes = new ArrayList<>();
        while (!in.atEnd()) {
            int tag = in.readTag();
            switch (tag >>> 3) {
                case 1 -> {
                    in.expect(tag, ProtobufReader.LENGTH_DELIMITED, "serializeType");
                    serializeType = in.readString("serializeType");
                }
                case 2 -> {
                    in.expect(tag, ProtobufReader.LENGTH_DELIMITED, "args");
                    args.add(in.readBytes());
                }
                case 3 -> {
                    in.expect(tag, ProtobufReader.LENGTH_DELIMITED, "argTypes");
                    argTypes.add(in.readString("argTypes"));
                }
                default -> in.skip(tag);
            }
        }
        return new TripleRequestWrapper(serializeType, args, argTypes);
    }
}
