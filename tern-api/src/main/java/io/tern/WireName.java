package io.tern;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The class name peers know a record by on the wire, where it is not the record's own: Tern's
 * description of what an application serves travels as Apache Dubbo's
 * {@code org.apache.dubbo.metadata.MetadataInfo}, so that Dubbo reads it as its own class. The
 * record's components are the class's fields, by name.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface WireName {

    /** The class name written in place of the record's. */
    String value();
}
