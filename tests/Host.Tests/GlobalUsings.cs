global using Siamese.Host.Cli;
global using Siamese.Host.Commands;
global using Siamese.Host.Configuration;
global using Siamese.Host.Evaluation;
global using Siamese.Host.Plots;
global using Siamese.Host.Runs;
global using Siamese.Host.Training;
global using Siamese.Model;
