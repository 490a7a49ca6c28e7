package io.tern.triple;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.jsontype.PolymorphicTypeValidator;
import io.tern.ClassPolicy;

/**
 * Puts JSON's type ids under the class policy: wherever a JSON body may name the class to make
 * ({@code @class}, {@code @type} or any property a type's {@code @JsonTypeInfo} declares), the name
 * is checked before Jackson loads it, and a refused name fails the call with the policy's own
 * refusal. No base type is trusted wholesale, so every subtype name is checked.
 */
final class PolicyTypeValidator extends PolymorphicTypeValidator.Base {

    private static final long serialVersionUID = 1L;

    private final transient ClassPolicy policy;

    PolicyTypeValidator(ClassPolicy policy) {
        this.policy = policy;
    }

    @Override
    public Validity validateBaseType(MapperConfig<?> config, JavaType baseType) {
        return Validity.INDETERMINATE;
    }

    @Override
    public Validity validateSubClassName(MapperConfig<?> config, JavaType baseType, String subClassName) {
        policy.check(subClassName); // throws the policy's refusal, which the caller unwraps
        return Validity.ALLOWED;
    }

    @Override
    public Validity validateSubType(MapperConfig<?> config, JavaType baseType, JavaType subType) {
        policy.check(subType.getRawClass().getName());
        return Validity.ALLOWED;
    }
}
