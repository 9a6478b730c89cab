"""Section 7.2: three ways to build Keras models (listings 7.1-7.6 and 7.2.2-7.2.4): the
Sequential model, the Functional API (the multi-input, multi-output ticket classifier trained
on the book's dummy data, its layer graph plotted, a feature-extraction model), a subclassed
model, and models mixing the styles.

    python examples/ch7_model_building.py           # the book's 1,280 dummy samples
    python examples/ch7_model_building.py --quick   # 128 samples

The book's code with the imports changed and three errata fixed (marked ERRATUM). The data
is the book's own random dummy data: no download. `plot_model` writes
ticket_classifier*.png to the working folder when pydot and Graphviz are installed. The ticket
classifier's pieces sit at module level and the workflow runs under main(), so
tests/book/test_ch7.py calls them instead of keeping copies.
"""

import argparse

import numpy as np

from tapeflow import keras
from tapeflow.keras import layers

# -- 7.2.2 The Functional API: multi-input, multi-output models --------------------------------
vocabulary_size = 10000
num_tags = 100
num_departments = 4


def build_ticket_model():
    """The customer-ticket classifier: title, text body and tags in; priority and department
    out."""
    title = keras.Input(shape=(vocabulary_size,), name='title')
    text_body = keras.Input(shape=(vocabulary_size,), name='text_body')
    tags = keras.Input(shape=(num_tags,), name='tags')

    features = layers.concatenate([title, text_body, tags])
    features = layers.Dense(64, activation='relu')(features)

    priority = layers.Dense(1, activation='sigmoid', name='priority')(features)
    department = layers.Dense(
        num_departments, activation='softmax', name='department')(features)

    model = keras.Model(inputs=[title, text_body, tags], outputs=[priority, department])
    return model


def ticket_data(num_samples):
    """The book's dummy data for training the ticket classifier (num_samples = 1280);
    returns the (title, text_body, tags, priority, department) arrays."""
    # Dummy input data.
    title_data = np.random.randint(0, 2, size=(num_samples, vocabulary_size))
    text_body_data = np.random.randint(0, 2, size=(num_samples, vocabulary_size))
    tags_data = np.random.randint(0, 2, size=(num_samples, num_tags))

    # Dummy target data.
    priority_data = np.random.random(size=(num_samples, 1))
    department_data = np.random.randint(0, 2, size=(num_samples, num_departments))
    return title_data, text_body_data, tags_data, priority_data, department_data


def build_feature_extraction_model(model):
    """Feature extraction with a functional model: a third output on the ticket model's
    intermediate features (layers[4]), sharing its layers."""
    # The book reuses the Input and output tensors of build_ticket_model's body.
    title, text_body, tags = model.inputs
    priority, department = model.outputs
    features = model.layers[4].output
    difficulty = layers.Dense(3, activation='softmax', name='difficulty')(features)

    new_model = keras.Model(
        inputs=[title, text_body, tags],
        outputs=[priority, department, difficulty])
    return new_model


# -- 7.2.3 Subclassing the Model class -------------------------------------------------------
class CustomerTicketModel(keras.Model):

    def __init__(self, num_departments):
        super(CustomerTicketModel, self).__init__()
        self.concat_layer = layers.Concatenate()  # ERRATUM (X17): layers.concatenate()
        self.mixing_layer = layers.Dense(64, activation='relu')
        self.priority_scorer = layers.Dense(1, activation='sigmoid')
        self.department_classifier = layers.Dense(
            num_departments, activation='softmax')

    def call(self, inputs):
        title = inputs['title']
        text_body = inputs['text_body']
        tags = inputs['tags']

        features = self.concat_layer([title, text_body, tags])
        features = self.mixing_layer(features)
        priority = self.priority_scorer(features)
        department = self.department_classifier(features)
        return priority, department


# -- 7.2.4 Mixing and matching different components ------------------------------------------
# A functional model that includes a subclassed model
class Classifier(keras.Model):

    def __init__(self, num_classes=2):
        super().__init__()  # ERRATUM (X18): missing in the book (TensorFlow needs it)
        if num_classes == 2:
            num_units = 1
            activation = 'sigmoid'
        else:
            num_units = num_classes
            activation = 'softmax'
        self.dense = layers.Dense(num_units, activation=activation)

    def call(self, inputs):
        return self.dense(inputs)


def main():
    parser = argparse.ArgumentParser(description="Section 7.2: Sequential, Functional, subclassed")
    parser.add_argument("--quick", action="store_true", help="128 dummy samples instead of 1,280")
    args = parser.parse_args()

    # -- 7.2.1 The Sequential model ----------------------------------------------------------
    # Listing 7.1: the Sequential class
    model = keras.Sequential([
        layers.Dense(64, activation='relu'),
        layers.Dense(10, activation='softmax')
    ])

    # Listing 7.2: incrementally building a Sequential model
    model = keras.Sequential()
    model.add(layers.Dense(64, activation='relu'))
    model.add(layers.Dense(10, activation='softmax'))

    # Listing 7.3: calling a model for the first time to build it
    try:
        model.weights
    except ValueError as error:
        print('before build:', error)
    model.build(input_shape=(None, 3))
    print('after build:', [weight.name for weight in model.weights])

    # Listing 7.4: the summary method
    model.summary()

    # Listing 7.5: naming models and layers with the name argument
    model = keras.Sequential(name='my_example_model')
    model.add(layers.Dense(64, activation='relu', name='my_first_layer'))
    model.add(layers.Dense(10, activation='softmax', name='my_last_layer'))
    model.build((None, 3))
    model.summary()

    # Listing 7.6: specifying the input shape of your model in advance
    model = keras.Sequential()
    model.add(keras.Input(shape=(3,)))
    model.add(layers.Dense(64, activation='relu'))
    model.summary()
    model.add(layers.Dense(10, activation='softmax'))
    model.summary()

    # -- 7.2.2 The Functional API --------------------------------------------------------------
    # A simple example
    inputs = keras.Input(shape=(3,), name='my_input')
    features = layers.Dense(64, activation='relu')(inputs)
    outputs = layers.Dense(10, activation='softmax')(features)
    model = keras.Model(inputs=inputs, outputs=outputs)
    print('inputs', inputs.shape, inputs.dtype.name, ' features', features.shape)  # ERRATUM (X15)
    model.summary()

    # Training a multi-input, multi-output model
    model = build_ticket_model()
    num_samples = 128 if args.quick else 1280
    title_data, text_body_data, tags_data, priority_data, department_data = ticket_data(num_samples)
    model.compile(optimizer='adam',
                  loss=['mean_squared_error', 'categorical_crossentropy'],
                  metrics=[['mean_absolute_error'], ['accuracy']])
    model.fit([title_data, text_body_data, tags_data],
              [priority_data, department_data],
              epochs=1)
    model.evaluate([title_data, text_body_data, tags_data],
                   [priority_data, department_data])
    priority_preds, department_preds = model.predict([title_data, text_body_data, tags_data])
    print('predictions:', priority_preds.shape, department_preds.shape)

    # The same with dicts, keyed by the names of the inputs and outputs
    model.compile(optimizer='adam',
                  loss={'priority': 'mean_squared_error', 'department': 'categorical_crossentropy'},
                  metrics={'priority': ['mean_absolute_error'], 'department': ['accuracy']})
    model.fit({'title': title_data, 'text_body': text_body_data, 'tags': tags_data},
              {'priority': priority_data, 'department': department_data},
              epochs=1)
    model.evaluate({'title': title_data, 'text_body': text_body_data, 'tags': tags_data},
                   {'priority': priority_data, 'department': department_data})
    priority_preds, department_preds = model.predict(
        {'title': title_data, 'text_body': text_body_data, 'tags': tags_data})

    # Plotting layer connectivity (needs pydot and Graphviz's `dot` program)
    try:
        keras.utils.plot_model(model, "ticket_classifier.png")
        keras.utils.plot_model(model, "ticket_classifier_with_shape_info.png", show_shapes=True)
        print('wrote ticket_classifier.png and ticket_classifier_with_shape_info.png')
    except ImportError as error:
        print('NOTICE: no plot:', error)

    # Access to layer connectivity, and feature extraction with a functional model
    print('layers:', [layer.name for layer in model.layers])
    print('concatenate input:', [t.shape for t in model.layers[3].input],
          'output:', model.layers[3].output.shape)
    new_model = build_feature_extraction_model(model)
    print('new_model outputs:', new_model.output_names)

    # 7.2.3: the subclassed model
    model = CustomerTicketModel(num_departments=4)
    priority, department = model(
        {'title': title_data, 'text_body': text_body_data, 'tags': tags_data})

    model.compile(optimizer='adam',
                  loss=['mean_squared_error', 'categorical_crossentropy'],
                  metrics=[['mean_absolute_error'], ['accuracy']])
    model.fit({'title': title_data, 'text_body': text_body_data, 'tags': tags_data},
              [priority_data, department_data],
              epochs=1)
    model.evaluate({'title': title_data, 'text_body': text_body_data, 'tags': tags_data},
                   [priority_data, department_data])
    priority_preds, department_preds = model.predict(
        {'title': title_data, 'text_body': text_body_data, 'tags': tags_data})
    print('subclassed model predictions:', priority_preds.shape, department_preds.shape)

    # 7.2.4: a functional model that includes a subclassed model
    inputs = keras.Input(shape=(3,))
    features = layers.Dense(64, activation='relu')(inputs)
    outputs = Classifier(num_classes=10)(features)
    model = keras.Model(inputs=inputs, outputs=outputs)
    print('functional model around a subclassed one:', model.output_shape)

    # A subclassed model that includes a functional model
    inputs = keras.Input(shape=(64,))
    outputs = layers.Dense(1, activation='sigmoid')(inputs)
    binary_classifier = keras.Model(inputs=inputs, outputs=outputs)

    # NOTE: MyModel uses binary_classifier from main's scope, as the book uses a global.
    class MyModel(keras.Model):

        def __init__(self, num_classes=2):
            super().__init__()  # ERRATUM (X18), as above
            self.dense = layers.Dense(64, activation='relu')
            self.classifier = binary_classifier

        def call(self, inputs):
            features = self.dense(inputs)
            return self.classifier(features)

    model = MyModel()
    print('subclassed model around a functional one:', model(np.ones((2, 3), 'float32')).shape)


if __name__ == "__main__":
    main()
