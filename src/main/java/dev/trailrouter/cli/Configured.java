package dev.trailrouter.cli;

import java.nio.file.Path;

import org.apache.camel.impl.DefaultCamelContext;

/**
 * A Camel context configured as {@code run} configures it (application.properties, then -D, then the environment,
 * which wins), for the commands that check the configuration without consuming anything.
 */
final class Configured {

    private Configured() {
    }

    static DefaultCamelContext context() {
        // the commands print their own result: Camel's life-cycle lines would only be noise
        org.slf4j.Logger camel = org.slf4j.LoggerFactory.getLogger("org.apache.camel");
        if (camel instanceof ch.qos.logback.classic.Logger logback) {
            logback.setLevel(ch.qos.logback.classic.Level.WARN);
        }
        DefaultCamelContext context = new DefaultCamelContext(false);
        context.getPropertiesComponent().setLocation("classpath:application.properties");
        vault(context);
        // initialised (type converters, languages), never started: the checks evaluate filters as run would, and a
        // filter comparing a value (`${body.readOnly} != true`) needs the type converter
        context.init();
        return context;
    }

    /**
     * The {@code camel.vault.aws.*} settings, as Camel Main applies them for {@code run}: so {@code {{aws:…}}} secrets
     * resolve here as they do there (which calls Secrets Manager).
     */
    private static void vault(DefaultCamelContext context) {
        var aws = context.getVaultConfiguration().aws();
        setting(context, "access-key", "accessKey").ifPresent(aws::setAccessKey);
        setting(context, "secret-key", "secretKey").ifPresent(aws::setSecretKey);
        setting(context, "region", "region").ifPresent(aws::setRegion);
        setting(context, "default-credentials-provider", "defaultCredentialsProvider")
                .ifPresent(v -> aws.setDefaultCredentialsProvider(Boolean.parseBoolean(v)));
        setting(context, "profile-credentials-provider", "profileCredentialsProvider")
                .ifPresent(v -> aws.setProfileCredentialsProvider(Boolean.parseBoolean(v)));
        setting(context, "profile-name", "profileName").ifPresent(aws::setProfileName);
        setting(context, "override-endpoint", "overrideEndpoint").ifPresent(v -> aws.setOverrideEndpoint(Boolean.parseBoolean(v)));
        setting(context, "uri-endpoint-override", "uriEndpointOverride").ifPresent(aws::setUriEndpointOverride);
    }

    private static java.util.Optional<String> setting(DefaultCamelContext context, String dashed, String camelCase) {
        var properties = context.getPropertiesComponent();
        return properties.resolveProperty("camel.vault.aws." + dashed)
                .or(() -> properties.resolveProperty("camel.vault.aws." + camelCase));
    }

    static Path routesDir(DefaultCamelContext context) {
        return Path.of(context.resolvePropertyPlaceholders("{{trailrouter.routes-dir:routes}}"));
    }
}
