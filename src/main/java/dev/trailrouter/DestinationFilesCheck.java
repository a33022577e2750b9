package dev.trailrouter;

import java.nio.file.Path;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.trailrouter.decode.SampleEvents;
import dev.trailrouter.deliver.DestinationFiles;

/**
 * Checks every destination file before Camel loads it ({@link DestinationFiles}), each filter evaluated on a sample
 * Event of every kind ({@link SampleEvents}). A configuration class, so it runs
 * after Camel Main's auto-configuration — secrets in {@code {{aws:…}}} need the vault settings — and before any route
 * file is loaded or any consumer starts.
 */
public final class DestinationFilesCheck implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        DestinationFiles.validate(Path.of(context.resolvePropertyPlaceholders("{{trailrouter.routes-dir:routes}}")), context,
                SampleEvents.byKind(new ObjectMapper()));
    }
}
