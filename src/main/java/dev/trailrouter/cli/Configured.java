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
        return context;
    }

    static Path routesDir(DefaultCamelContext context) {
        return Path.of(context.resolvePropertyPlaceholders("{{trailrouter.routes-dir:routes}}"));
    }
}
