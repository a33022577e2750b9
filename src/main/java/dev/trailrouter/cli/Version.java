package dev.trailrouter.cli;

import picocli.CommandLine.IVersionProvider;

/** The project version the jar's manifest carries ({@code Implementation-Version}); "dev" when run from classes. */
public final class Version implements IVersionProvider {

    public static String current() {
        String version = Version.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"trailrouter " + current() + " (Apache Camel " + camelVersion() + ", Java "
                + Runtime.version() + ")"};
    }

    private static String camelVersion() {
        try (var in = Version.class.getResourceAsStream("/META-INF/maven/org.apache.camel/camel-api/pom.properties")) {
            java.util.Properties properties = new java.util.Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "?");
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
