package io.tern.ops;

import io.tern.ServiceKey;
import java.util.regex.Pattern;

/** Service patterns as operators write them: {@code *} for any run of characters, all else literal. */
public final class OpsPatterns {

    private OpsPatterns() {
    }

    /**
     * Whether {@code pattern} matches the service: its key as Tern writes it
     * ({@code group/interface:version}) or its interface name alone.
     */
    public static boolean matches(String pattern, ServiceKey service) {
        Pattern glob = glob(pattern);
        return glob.matcher(service.toString()).matches() || glob.matcher(service.interfaceName()).matches();
    }

    private static Pattern glob(String pattern) {
        String[] parts = pattern.split("\\*", -1);
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(parts[i]));
        }
        return Pattern.compile(regex.toString());
    }
}
