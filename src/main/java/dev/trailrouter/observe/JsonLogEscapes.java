package dev.trailrouter.observe;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;

import net.logstash.logback.decorate.JsonFactoryDecorator;

/**
 * JSON logs escape every control character, not only those JSON requires: Jackson escapes C0 (NUL, ESC, CR, LF …);
 * this adds DEL, the C1 controls and U+2028/U+2029 as {@code \}{@code uXXXX}, so a log line read raw (a terminal,
 * {@code grep}, a JavaScript viewer) never carries them either. Configured in logback.xml.
 */
public final class JsonLogEscapes implements JsonFactoryDecorator {

    @Override
    public JsonFactory decorate(JsonFactory factory) {
        return factory.setCharacterEscapes(new Escapes());
    }

    static final class Escapes extends CharacterEscapes {
        private final int[] ascii;

        Escapes() {
            ascii = standardAsciiEscapesForJSON();
            ascii[0x7f] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            if ((ch >= 0x80 && ch <= 0x9f) || ch == 0x2028 || ch == 0x2029) {
                return new SerializedString(String.format("\\u%04x", ch));
            }
            return null;
        }
    }
}
